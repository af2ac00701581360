// OpenSSH Ed25519 key files made by ssh-keygen (testdata/): loaded,
// reproduced byte for byte, decrypted with their passphrase or refused with
// a typed error; raw keys; files written and read back; hostile inputs.
#include "variants/x25519_xchacha/identity.hpp"

#include <cstdlib>
#include <fstream>
#include <iterator>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <type_traits>
#include <utility>

#include <gtest/gtest.h>

#include "tests/support/hex.hpp"
#include "transport/error.hpp"
#include "variants/x25519_xchacha/error.hpp"

namespace polywire::variants::x25519_xchacha {
namespace {
using polywire::test::h;
using polywire::test::hx;

std::string testdata(const std::string& name) {
    const char* srcdir = std::getenv("TEST_SRCDIR");
    const char* ws = std::getenv("TEST_WORKSPACE");
    return std::string(srcdir ? srcdir : ".") + "/" + (ws ? ws : "polywire") + "/tests/variants/x25519_xchacha/testdata/" +
           name;
}

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::string tmp(const std::string& name) {
    const char* d = std::getenv("TEST_TMPDIR");
    return std::string(d ? d : "/tmp") + "/" + name;
}

constexpr std::string_view passphrase = "correct horse battery staple";

TEST(IdentityTest, LoadsSshKeygensUnencryptedKeyAndItsPublicKey) {
    auto key = load_private_key(testdata("id_ed25519"));
    ASSERT_TRUE(key) << key.error().message();
    EXPECT_EQ(hx(key.value().seed()), "d1f9c9d8ab396f58dbb44aff29943afaf0a73eb7d787837ae40a167c9b7ef7b0");
    auto pub = load_public_key(testdata("id_ed25519.pub"));
    ASSERT_TRUE(pub) << pub.error().message();
    EXPECT_EQ(key.value().public_key(), pub.value());
}

TEST(IdentityTest, WritesTheSameBytesAsSshKeygen) {
    auto key = load_private_key(testdata("id_ed25519")).value();
    const secure_bytes text = format_openssh_private_key(key, "alice@polywire", 0x3b3ef8dd);
    EXPECT_EQ(std::string(text.begin(), text.end()), slurp(testdata("id_ed25519")));
    EXPECT_EQ(format_openssh_public_key(key.public_key(), "alice@polywire"), slurp(testdata("id_ed25519.pub")));
}

TEST(IdentityTest, DecryptsAnEncryptedKeyWithItsPassphrase) {
    auto key = load_private_key(testdata("id_ed25519_encrypted"), passphrase);
    ASSERT_TRUE(key) << key.error().message();
    EXPECT_EQ(key.value().public_key(), load_public_key(testdata("id_ed25519_encrypted.pub")).value());
}

TEST(IdentityTest, RefusesAnEncryptedKeyWithoutOrWithAWrongPassphrase) {
    auto none = load_private_key(testdata("id_ed25519_encrypted"));
    ASSERT_FALSE(none);
    EXPECT_EQ(none.error(), errc::passphrase_required);
    EXPECT_EQ(none.error(), transport::condition::misuse);
    auto wrong = load_private_key(testdata("id_ed25519_encrypted"), "correct horse battery stapler");
    ASSERT_FALSE(wrong);
    EXPECT_EQ(wrong.error(), errc::wrong_passphrase);
    EXPECT_NE(wrong.error().message().find("passphrase"), std::string::npos);
}

TEST(IdentityTest, RefusesKeysOfAnotherType) {
    auto priv = load_private_key(testdata("id_ecdsa"));
    ASSERT_FALSE(priv);
    EXPECT_EQ(priv.error(), errc::key_not_ed25519);
    auto pub = load_public_key(testdata("id_ecdsa.pub"));
    ASSERT_FALSE(pub);
    EXPECT_EQ(pub.error(), errc::key_not_ed25519);
}

TEST(IdentityTest, DecryptsAes128CtrAndRefusesCiphersItDoesNotImplement) {
    auto k128 = load_private_key(testdata("id_ed25519_aes128ctr"), passphrase);
    ASSERT_TRUE(k128) << k128.error().message();
    EXPECT_EQ(k128.value().public_key(), load_public_key(testdata("id_ed25519_aes128ctr.pub")).value());
    auto cbc = load_private_key(testdata("id_ed25519_aes256cbc"), passphrase);
    ASSERT_FALSE(cbc);
    EXPECT_EQ(cbc.error(), errc::unsupported_key_encryption);
    // The public key of such a file is still readable.
    EXPECT_TRUE(load_public_key(testdata("id_ed25519_aes256cbc.pub")));
}

TEST(IdentityTest, RawKeysOf32And64Bytes) {
    const bytes seed = h("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
    auto k32 = identity_from_raw(seed);
    ASSERT_TRUE(k32);
    EXPECT_EQ(hx(k32.value().public_key()), "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
    bytes both = seed;
    both.insert(both.end(), k32.value().public_key().begin(), k32.value().public_key().end());
    auto k64 = identity_from_raw(both);
    ASSERT_TRUE(k64);
    EXPECT_EQ(k64.value().public_key(), k32.value().public_key());
    both.back() ^= 1;  // a public half that does not belong to the seed
    EXPECT_EQ(identity_from_raw(both).error(), errc::key_file_malformed);
    EXPECT_EQ(identity_from_raw(h("0011")).error(), errc::key_file_malformed);
    EXPECT_EQ(public_key_from_raw(bytes(31)).error(), errc::key_file_malformed);
}

TEST(IdentityTest, RawPublicKeysWithAnyBytesLoad) {
    // Raw keys holding a space, a newline or "ssh-" are still raw.
    for (const char* hex : {"2020202020202020202020202020202020202020202020202020202020202020",
                            "7373682d0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a"}) {
        auto k = public_key_from_raw(h(hex)).value();
        ASSERT_FALSE(save_raw_public_key(tmp("raw_any.pub"), k));
        auto back = load_public_key(tmp("raw_any.pub"));
        ASSERT_TRUE(back) << hex;
        EXPECT_EQ(back.value(), k);
    }
}

TEST(IdentityTest, SavesAndLoadsFilesInBothForms) {
    auto key = crypto::ed25519::private_key::generate().value();
    ASSERT_FALSE(save_private_key(tmp("k"), key, "me@host"));
    ASSERT_FALSE(save_public_key(tmp("k.pub"), key.public_key(), "me@host"));
    struct stat st {};
    ASSERT_EQ(::stat(tmp("k").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    EXPECT_EQ(hx(load_private_key(tmp("k")).value().seed()), hx(key.seed()));
    EXPECT_EQ(load_public_key(tmp("k.pub")).value(), key.public_key());
    ASSERT_FALSE(save_raw_private_key(tmp("raw"), key));
    ASSERT_FALSE(save_raw_public_key(tmp("raw.pub"), key.public_key()));
    EXPECT_EQ(hx(load_private_key(tmp("raw")).value().seed()), hx(key.seed()));
    EXPECT_EQ(load_public_key(tmp("raw.pub")).value(), key.public_key());
    EXPECT_EQ(load_private_key(tmp("missing")).error(), errc::key_file_unreadable);
    EXPECT_EQ(save_private_key(tmp("no/such/dir/k"), key), errc::key_file_write_failed);
}

TEST(IdentityTest, LoadOrCreateMakesAnIdentityOnceThenReadsIt) {
    const std::string dir = tmp("ssh_dir");
    ::mkdir(dir.c_str(), 0700);
    ::unlink((dir + "/id_ed25519").c_str());
    auto first = load_or_create_identity(dir);
    ASSERT_TRUE(first) << first.error().message();
    auto second = load_or_create_identity(dir);
    ASSERT_TRUE(second);
    EXPECT_EQ(hx(first.value().seed()), hx(second.value().seed()));
    EXPECT_EQ(load_public_key(dir + "/id_ed25519.pub").value(), first.value().public_key());
}

TEST(IdentityTest, EveryTruncationAndFlipOfAKeyFileFailsCleanly) {
    const std::string text = slurp(testdata("id_ed25519"));
    const std::size_t complete = text.find("-----END OPENSSH PRIVATE KEY-----") + 33;
    for (std::size_t n = 0; n < complete; ++n) {
        auto k = parse_openssh_private_key(std::string_view(text).substr(0, n));
        EXPECT_FALSE(k) << n;
    }
    // Flip each base64 character of the body to another valid one.
    const std::size_t body = text.find('\n') + 1, end = text.find("-----END");
    std::size_t refused = 0;
    for (std::size_t i = body; i < end; ++i) {
        if (text[i] == '\n' || text[i] == '=') continue;
        std::string t = text;
        t[i] = t[i] == 'A' ? 'B' : 'A';
        auto k = parse_openssh_private_key(t);
        if (!k) {
            ++refused;
            EXPECT_NE(k.error(), errc::key_file_unreadable);
        }
    }
    EXPECT_GT(refused, 0u);
    EXPECT_EQ(parse_openssh_public_key("ssh-ed25519 not-base64!").error(), errc::key_file_malformed);
    EXPECT_EQ(parse_openssh_public_key("garbage").error(), errc::key_file_malformed);
}

// ---- writing key files ------------------------------------------------------

// The private key's text is only ever held in wiping buffers.
static_assert(std::is_same_v<decltype(format_openssh_private_key(std::declval<const identity_key&>(), "", 0)),
                             secure_bytes>);

bool is_regular(const std::string& path, mode_t* mode = nullptr) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) return false;
    if (mode) *mode = st.st_mode & 07777;
    return S_ISREG(st.st_mode);
}
bool exists(const std::string& path) {
    struct stat st {};
    return ::lstat(path.c_str(), &st) == 0;
}
void put(const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

// What a key file looked like when it was created, before any byte was
// written (key_file_options::on_created).
struct seen_at_creation {
    int calls = 0;
    mode_t mode = 0;
    off_t size = -1;
    key_file_options options() {
        return {.on_created = [this](const std::string& temp) {
            struct stat st {};
            ++calls;
            if (::lstat(temp.c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
                mode = st.st_mode & 07777;
                size = st.st_size;
            }
        }};
    }
};

TEST(IdentityTest, APrivateKeyFileIs0600FromItsCreationWhateverTheUmask) {
    auto key = crypto::ed25519::private_key::generate().value();
    const mode_t old_umask = ::umask(0);  // the mode must not rely on the umask
    for (const bool raw : {false, true}) {
        const std::string path = tmp(raw ? "mode_raw" : "mode_ssh");
        ::unlink(path.c_str());
        seen_at_creation seen;
        ASSERT_FALSE(raw ? save_raw_private_key(path, key, seen.options()) : save_private_key(path, key, "c", seen.options()));
        EXPECT_EQ(seen.calls, 1);
        EXPECT_EQ(seen.mode, 0600u) << "before a byte was written";
        EXPECT_EQ(seen.size, 0);
        mode_t mode = 0;
        ASSERT_TRUE(is_regular(path, &mode));
        EXPECT_EQ(mode, 0600u);
        EXPECT_FALSE(exists(path + ".tmp"));
        EXPECT_EQ(hx(load_private_key(path).value().seed()), hx(key.seed()));
    }
    ::umask(old_umask);
}

TEST(IdentityTest, AnOldFileAtThePathNeverHoldsTheNewKey) {
    // A world-readable file already there, and a descriptor someone holds on
    // it: the key goes to a new file renamed over it, never into the old one.
    auto key = crypto::ed25519::private_key::generate().value();
    const std::string path = tmp("replaced_key");
    put(path, "old public bytes\n");
    ::chmod(path.c_str(), 0644);
    const int held = ::open(path.c_str(), O_RDONLY);
    ASSERT_GE(held, 0);
    ASSERT_FALSE(save_private_key(path, key, "c"));
    char buf[4096];
    const ssize_t n = ::pread(held, buf, sizeof buf, 0);
    ::close(held);
    EXPECT_EQ(std::string(buf, n > 0 ? static_cast<std::size_t>(n) : 0), "old public bytes\n");
    mode_t mode = 0;
    ASSERT_TRUE(is_regular(path, &mode));
    EXPECT_EQ(mode, 0600u);
    EXPECT_EQ(hx(load_private_key(path).value().seed()), hx(key.seed()));
}

TEST(IdentityTest, ASymlinkAtThePathIsReplacedNotWrittenThrough) {
    auto key = crypto::ed25519::private_key::generate().value();
    const std::string victim = tmp("symlink_victim"), path = tmp("symlinked_key");
    put(victim, "victim\n");
    ::unlink(path.c_str());
    ASSERT_EQ(::symlink(victim.c_str(), path.c_str()), 0);
    ASSERT_FALSE(save_private_key(path, key, "c"));
    EXPECT_EQ(slurp(victim), "victim\n");
    mode_t mode = 0;
    EXPECT_TRUE(is_regular(path, &mode)) << "the link itself is replaced";
    EXPECT_EQ(mode, 0600u);
    EXPECT_EQ(hx(load_private_key(path).value().seed()), hx(key.seed()));
}

TEST(IdentityTest, AStaleTemporaryFileOrSymlinkIsNeverWrittenThrough) {
    auto key = crypto::ed25519::private_key::generate().value();
    const std::string victim = tmp("temp_victim"), path = tmp("temp_key");
    put(victim, "victim\n");
    for (const bool link : {false, true}) {
        ::unlink(path.c_str());
        ::unlink((path + ".tmp").c_str());
        if (link) {
            ASSERT_EQ(::symlink(victim.c_str(), (path + ".tmp").c_str()), 0);
        } else {
            put(path + ".tmp", "left by a crash");
            ::chmod((path + ".tmp").c_str(), 0644);
        }
        ASSERT_FALSE(save_private_key(path, key, "c")) << link;
        EXPECT_EQ(slurp(victim), "victim\n");
        EXPECT_FALSE(exists(path + ".tmp")) << link;
        mode_t mode = 0;
        ASSERT_TRUE(is_regular(path, &mode));
        EXPECT_EQ(mode, 0600u);
        EXPECT_EQ(hx(load_private_key(path).value().seed()), hx(key.seed()));
    }
}

TEST(IdentityTest, AFailedWriteLeavesNothingBehind) {
    auto key = crypto::ed25519::private_key::generate().value();
    const std::string dir = tmp("readonly_dir");
    ::mkdir(dir.c_str(), 0700);
    if (::geteuid() != 0) {  // root writes anywhere
        ::chmod(dir.c_str(), 0500);
        EXPECT_EQ(save_private_key(dir + "/k", key), errc::key_file_write_failed);
        ::chmod(dir.c_str(), 0700);
    }
    EXPECT_FALSE(exists(dir + "/k.tmp"));
    // A key file larger than any key is refused without being read whole.
    put(tmp("huge_key"), std::string(100 * 1024, 'A'));
    EXPECT_EQ(load_private_key(tmp("huge_key")).error(), errc::key_file_malformed);
}

}  // namespace
}  // namespace polywire::variants::x25519_xchacha
