#include "variants/x25519_xchacha/identity.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <exception>
#include <new>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto/aes.hpp"
#include "crypto/bcrypt_pbkdf.hpp"
#include "crypto/random.hpp"
#include "transport/error.hpp"
#include "variants/x25519_xchacha/error.hpp"

namespace polywire::variants::x25519_xchacha {
namespace {

namespace ed = crypto::ed25519;

constexpr std::string_view begin_marker = "-----BEGIN OPENSSH PRIVATE KEY-----";
constexpr std::string_view end_marker = "-----END OPENSSH PRIVATE KEY-----";
constexpr std::string_view auth_magic{"openssh-key-v1\0", 15};
constexpr std::string_view key_type = "ssh-ed25519";

// ---- base64 (RFC 4648, with padding), as OpenSSH writes it ------------------
constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Appends the base64 of `in` to `out` (a std::string for public data, a
/// secure_bytes for secrets), reserving the room first so that `out` is not
/// reallocated on the way (a secure_bytes' old buffers would be wiped, a
/// string's would not).
template <class Out>
void base64_encode(byte_view in, Out& out) {
    out.reserve(out.size() + (in.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 3 <= in.size(); i += 3) {
        const std::uint32_t v = std::uint32_t{in[i]} << 16 | std::uint32_t{in[i + 1]} << 8 | in[i + 2];
        for (int s = 18; s >= 0; s -= 6) out.push_back(alphabet[(v >> s) & 63]);
    }
    if (const std::size_t rest = in.size() - i; rest > 0) {
        std::uint32_t v = std::uint32_t{in[i]} << 16;
        if (rest == 2) v |= std::uint32_t{in[i + 1]} << 8;
        out.push_back(alphabet[(v >> 18) & 63]);
        out.push_back(alphabet[(v >> 12) & 63]);
        out.push_back(rest == 2 ? alphabet[(v >> 6) & 63] : '=');
        out.push_back('=');
    }
}

bool base64_decode(std::string_view in, secure_bytes& out) {
    out.reserve(out.size() + in.size() / 4 * 3 + 3);  // never reallocated below
    std::uint32_t acc = 0;
    int bits = 0;
    std::size_t pad = 0;
    for (char c : in) {
        if (c == '\n' || c == '\r' || c == ' ' || c == '\t') continue;
        if (c == '=') {
            ++pad;
            continue;
        }
        if (pad > 0) return false;  // data after padding
        const char* p = std::find(alphabet, alphabet + 64, c);
        if (p == alphabet + 64) return false;
        acc = acc << 6 | static_cast<std::uint32_t>(p - alphabet);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<std::uint8_t>(acc >> bits));
        }
    }
    return pad <= 2;
}

// ---- SSH wire encoding (RFC 4251 §5) ------------------------------------------
class reader {
public:
    explicit reader(byte_view b) : b_(b) {}
    bool u32(std::uint32_t& v) {
        if (b_.size() < 4) return false;
        v = std::uint32_t{b_[0]} << 24 | std::uint32_t{b_[1]} << 16 | std::uint32_t{b_[2]} << 8 | b_[3];
        b_ = b_.subspan(4);
        return true;
    }
    bool string(byte_view& s) {
        std::uint32_t n = 0;
        if (!u32(n) || b_.size() < n) return false;
        s = b_.first(n);
        b_ = b_.subspan(n);
        return true;
    }
    bool string(std::string_view& s) {
        byte_view b;
        if (!string(b)) return false;
        s = std::string_view(reinterpret_cast<const char*>(b.data()), b.size());
        return true;
    }
    byte_view rest() const { return b_; }

private:
    byte_view b_;
};

template <class Buffer>
void put_u32(Buffer& out, std::uint32_t v) {
    for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<std::uint8_t>(v >> s));
}
template <class Buffer>
void put_string(Buffer& out, byte_view s) {
    put_u32(out, static_cast<std::uint32_t>(s.size()));
    out.insert(out.end(), s.begin(), s.end());
}

bytes public_key_blob(const ed::public_key& key) {
    bytes blob;
    put_string(blob, as_bytes(key_type));
    put_string(blob, key);
    return blob;
}

result<ed::public_key> parse_public_key_blob(byte_view blob) {
    reader r(blob);
    std::string_view type;
    byte_view pub;
    if (!r.string(type)) return errc::key_file_malformed;
    if (type != key_type) return errc::key_not_ed25519;
    if (!r.string(pub) || pub.size() != ed::public_key_size || !r.rest().empty()) return errc::key_file_malformed;
    ed::public_key k{};
    std::copy(pub.begin(), pub.end(), k.begin());
    return k;
}

// The key and IV sizes of the OpenSSH ciphers supported (all AES-CTR).
struct cipher_info {
    std::string_view name;
    std::size_t key_size;
};
constexpr cipher_info ctr_ciphers[] = {{"aes128-ctr", 16}, {"aes256-ctr", 32}};

// A key file is small: anything larger is not one (and is not read whole).
constexpr std::size_t max_key_file_size = 64 * 1024;

/// The whole file, read with read(2) straight into a wiping buffer sized
/// up front (no stream buffer, no reallocation leaves a copy behind).
result<secure_bytes> read_file(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return errc::key_file_unreadable;
    secure_bytes data(max_key_file_size + 1);
    std::size_t done = 0;
    while (done < data.size()) {
        const ssize_t n = ::read(fd, data.data() + done, data.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            ::close(fd);
            return errc::key_file_unreadable;
        }
        if (n == 0) break;
        done += static_cast<std::size_t>(n);
    }
    ::close(fd);
    if (done > max_key_file_size) return errc::key_file_malformed;
    data.resize(done);  // shrinking keeps the buffer
    return data;
}

std::string_view as_text(const secure_bytes& b) {
    return std::string_view(reinterpret_cast<const char*>(b.data()), b.size());
}

/// Writes `data` to `path` through a temporary file `path`.tmp created with
/// O_CREAT | O_EXCL | O_NOFOLLOW and `mode` from the start (set again with
/// fchmod before any byte is written, whatever the umask), fsynced, then
/// renamed over `path`: a reader never sees a partial file, a symlink at
/// `path` or at the temporary name is replaced or refused rather than
/// followed, and a file that was at `path` (and any descriptor open on it)
/// never holds the new bytes. A stale temporary file (left by a crash) is
/// removed and the exclusive creation tried once more.
std::error_code write_file(const std::string& path, byte_view data, mode_t mode,
                           const std::function<void(const std::string&)>& on_created = {}) {
    const std::string temp = path + ".tmp";
    int fd = -1;
    for (int attempt = 0; attempt < 2 && fd < 0; ++attempt) {
        fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
        if (fd < 0 && (errno != EEXIST || ::unlink(temp.c_str()) != 0)) break;
    }
    if (fd < 0) return errc::key_file_write_failed;
    const auto fail = [&] {
        ::close(fd);
        ::unlink(temp.c_str());  // never leave a partial key behind
        return make_error_code(errc::key_file_write_failed);
    };
    if (::fchmod(fd, mode) != 0) return fail();
    if (on_created) on_created(temp);
    std::size_t done = 0;
    while (done < data.size()) {
        const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            return fail();
        }
        done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0) return fail();
    if (::close(fd) != 0) {
        ::unlink(temp.c_str());
        return errc::key_file_write_failed;
    }
    if (::rename(temp.c_str(), path.c_str()) != 0) {
        ::unlink(temp.c_str());
        return errc::key_file_write_failed;
    }
    // The rename itself is durable once the directory is synced.
    const auto slash = path.rfind('/');
    const std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
    if (const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dfd >= 0) {
        (void)::fsync(dfd);
        ::close(dfd);
    }
    return {};
}

bool has_prefix(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

}  // namespace

result<identity_key> parse_openssh_private_key(std::string_view text, std::optional<std::string_view> passphrase) {
    const auto b = text.find(begin_marker);
    const auto e = text.find(end_marker);
    if (b == std::string_view::npos || e == std::string_view::npos || e < b) return errc::key_file_malformed;
    secure_bytes blob;
    if (!base64_decode(text.substr(b + begin_marker.size(), e - b - begin_marker.size()), blob))
        return errc::key_file_malformed;
    if (blob.size() < auth_magic.size() || !std::equal(auth_magic.begin(), auth_magic.end(), blob.begin()))
        return errc::key_file_malformed;
    reader r(byte_view(blob).subspan(auth_magic.size()));
    std::string_view cipher, kdf;
    byte_view kdf_options, pub_blob, sealed;
    std::uint32_t keys = 0;
    if (!r.string(cipher) || !r.string(kdf) || !r.string(kdf_options) || !r.u32(keys) || keys != 1 ||
        !r.string(pub_blob) || !r.string(sealed))
        return errc::key_file_malformed;
    auto pub = parse_public_key_blob(pub_blob);
    if (!pub) return pub.error();

    secure_bytes plain(sealed.begin(), sealed.end());
    if (cipher != "none" || kdf != "none") {
        const cipher_info* info = nullptr;
        for (const auto& c : ctr_ciphers)
            if (c.name == cipher) info = &c;
        if (!info || kdf != "bcrypt") return errc::unsupported_key_encryption;
        if (!passphrase) return errc::passphrase_required;
        reader k(kdf_options);
        byte_view salt;
        std::uint32_t rounds = 0;
        if (!k.string(salt) || !k.u32(rounds) || rounds == 0 || salt.empty()) return errc::key_file_malformed;
        if (plain.size() % 16 != 0) return errc::key_file_malformed;
        secure_bytes key_iv(info->key_size + 16);
        if (auto ec = crypto::bcrypt_pbkdf(key_iv, *passphrase, salt, rounds)) return ec;
        try {
            crypto::aes_ctr ctr(byte_view(key_iv).first(info->key_size), byte_view(key_iv).subspan(info->key_size));
            ctr.apply(plain);
        } catch (const std::bad_alloc&) {
            std::terminate();  // allocation failure terminates (docs/architecture.md, "Failure policy")
        } catch (...) {
            return transport::errc::crypto_failure;
        }
    }

    reader p(plain);
    std::uint32_t check1 = 0, check2 = 0;
    if (!p.u32(check1) || !p.u32(check2)) return errc::key_file_malformed;
    if (check1 != check2) return cipher == "none" ? errc::key_file_malformed : errc::wrong_passphrase;
    std::string_view type, comment;
    byte_view inner_pub, priv;
    if (!p.string(type)) return errc::key_file_malformed;
    if (type != key_type) return errc::key_not_ed25519;
    if (!p.string(inner_pub) || !p.string(priv) || !p.string(comment)) return errc::key_file_malformed;
    // Padding: 1, 2, 3, ... up to the cipher's block size.
    const byte_view pad = p.rest();
    for (std::size_t i = 0; i < pad.size(); ++i)
        if (pad[i] != static_cast<std::uint8_t>(i + 1)) return errc::key_file_malformed;
    if (inner_pub.size() != ed::public_key_size || priv.size() != 64 ||
        !std::equal(inner_pub.begin(), inner_pub.end(), pub.value().begin()))
        return errc::key_file_malformed;
    auto key = identity_from_raw(priv);
    if (!key) return key.error();
    return key;
}

secure_bytes format_openssh_private_key(const identity_key& key, std::string_view comment, std::uint32_t checkint) {
    // Every buffer holding the seed is a wiping one, sized before it is
    // filled.
    secure_bytes inner;
    inner.reserve(8 + 4 + key_type.size() + 4 + ed::public_key_size + 4 + 64 + 4 + comment.size() + 8);
    put_u32(inner, checkint);
    put_u32(inner, checkint);
    put_string(inner, as_bytes(key_type));
    put_string(inner, key.public_key());
    secure_bytes priv;
    priv.reserve(64);
    priv.insert(priv.end(), key.seed().begin(), key.seed().end());
    priv.insert(priv.end(), key.public_key().begin(), key.public_key().end());
    put_string(inner, priv);
    put_string(inner, as_bytes(comment));
    for (std::uint8_t i = 1; inner.size() % 8 != 0; ++i) inner.push_back(i);

    const bytes pub_blob = public_key_blob(key.public_key());
    secure_bytes blob;
    blob.reserve(auth_magic.size() + 4 + 4 + 4 + 4 + 4 + 4 + 4 + pub_blob.size() + 4 + inner.size());
    blob.insert(blob.end(), auth_magic.begin(), auth_magic.end());
    put_string(blob, as_bytes("none"));
    put_string(blob, as_bytes("none"));
    put_string(blob, {});
    put_u32(blob, 1);
    put_string(blob, pub_blob);
    put_string(blob, inner);

    secure_bytes b64;
    base64_encode(blob, b64);
    // Sized once and written in place (no growth, so no stale copies).
    const std::size_t lines = (b64.size() + 69) / 70;
    secure_bytes out(begin_marker.size() + 1 + b64.size() + lines + end_marker.size() + 1);
    std::size_t at = 0;
    const auto put = [&](const auto* p, std::size_t n) {
        std::copy_n(reinterpret_cast<const std::uint8_t*>(p), n, out.data() + at);
        at += n;
    };
    put(begin_marker.data(), begin_marker.size());
    out[at++] = '\n';
    for (std::size_t i = 0; i < b64.size(); i += 70) {
        const std::size_t n = std::min<std::size_t>(70, b64.size() - i);
        put(b64.data() + i, n);
        out[at++] = '\n';
    }
    put(end_marker.data(), end_marker.size());
    out[at++] = '\n';
    return out;
}

result<ed::public_key> parse_openssh_public_key(std::string_view line) {
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
    const auto sp = line.find(' ');
    if (sp == std::string_view::npos) return errc::key_file_malformed;
    const std::string_view type = line.substr(0, sp);
    std::string_view rest = line.substr(sp + 1);
    const std::string_view b64 = rest.substr(0, rest.find(' '));
    if (type != key_type) return has_prefix(type, "ssh-") || has_prefix(type, "ecdsa-") ? errc::key_not_ed25519 : errc::key_file_malformed;
    secure_bytes blob;
    if (!base64_decode(b64, blob)) return errc::key_file_malformed;
    return parse_public_key_blob(blob);
}

std::string format_openssh_public_key(const ed::public_key& key, std::string_view comment) {
    std::string out(key_type);
    out += ' ';
    base64_encode(public_key_blob(key), out);
    if (!comment.empty()) {
        out += ' ';
        out += comment;
    }
    out += '\n';
    return out;
}

result<identity_key> identity_from_raw(byte_view raw) {
    if (raw.size() != 32 && raw.size() != 64) return errc::key_file_malformed;
    auto key = ed::private_key::from_seed(raw.first(32));
    if (!key) return key.error();
    if (raw.size() == 64 && !constant_time_equal(raw.subspan(32), key.value().public_key()))
        return errc::key_file_malformed;  // the public half does not belong to the seed
    return key;
}

result<ed::public_key> public_key_from_raw(byte_view raw) {
    if (raw.size() != ed::public_key_size) return errc::key_file_malformed;
    ed::public_key k{};
    std::copy(raw.begin(), raw.end(), k.begin());
    return k;
}

result<identity_key> load_private_key(const std::string& path, std::optional<std::string_view> passphrase) {
    auto data = read_file(path);  // a wiping buffer
    if (!data) return data.error();
    const std::string_view text = as_text(data.value());
    if (text.find(begin_marker) != std::string_view::npos) return parse_openssh_private_key(text, passphrase);
    return identity_from_raw(data.value());
}

result<ed::public_key> load_public_key(const std::string& path) {
    auto data = read_file(path);
    if (!data) return data.error();
    // Exactly 32 bytes is a raw key (no OpenSSH line is that short).
    if (data.value().size() == crypto::ed25519::public_key_size) return public_key_from_raw(data.value());
    return parse_openssh_public_key(as_text(data.value()));
}

std::error_code save_private_key(const std::string& path, const identity_key& key, std::string_view comment,
                                 const key_file_options& how) {
    std::uint32_t checkint = 0;
    if (auto ec = crypto::random_bytes(mutable_byte_view(reinterpret_cast<std::uint8_t*>(&checkint), 4))) return ec;
    const secure_bytes text = format_openssh_private_key(key, comment, checkint);
    return write_file(path, text, 0600, how.on_created);
}

std::error_code save_public_key(const std::string& path, const ed::public_key& key, std::string_view comment) {
    return write_file(path, as_bytes(format_openssh_public_key(key, comment)), 0644);
}

std::error_code save_raw_private_key(const std::string& path, const identity_key& key,
                                     const key_file_options& how) {
    return write_file(path, key.seed(), 0600, how.on_created);
}

std::error_code save_raw_public_key(const std::string& path, const ed::public_key& key) {
    return write_file(path, key, 0644);
}

result<identity_key> load_or_create_identity(const std::string& dir, std::optional<std::string_view> passphrase) {
    const std::string priv = dir + "/id_ed25519";
    struct stat st {};
    if (::stat(priv.c_str(), &st) == 0) return load_private_key(priv, passphrase);
    auto key = ed::private_key::generate();
    if (!key) return key.error();
    if (auto ec = save_private_key(priv, key.value(), "polywire")) return ec;
    if (auto ec = save_public_key(priv + ".pub", key.value().public_key(), "polywire")) return ec;
    return key;
}

}  // namespace polywire::variants::x25519_xchacha
