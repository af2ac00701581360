// polywire keygen [--variant V] [--out PATH] [--identity ed25519|secp256k1]:
// the only command that ever prints a secret (a secp256k1 key, or an Ed25519
// seed, as 64 hex digits; libp2p-noise: its PrivateKey protobuf in hex, of
// the --identity type).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "tools/cli/variant.hpp"

namespace polywire::cli {

namespace {
constexpr option_spec keygen_options[] = {
    {"out", true},
    {"variant", true},
    {"identity", true},
    {"help", false},
};

// Writes `hex` and a newline to a new file readable by its owner only.
// Returns an error sentence, or "" on success.
std::string write_key_file(const std::string& path, const std::string& hex) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        if (errno == EEXIST) return "refusing to overwrite existing file '" + path + "'";
        return "cannot create '" + path + "': " + std::strerror(errno);
    }
    std::string err;
    if (::fchmod(fd, 0600) != 0) err = "cannot set mode 0600 on '" + path + "': " + std::strerror(errno);
    std::string data = hex + "\n";
    for (std::size_t done = 0; err.empty() && done < data.size();) {
        const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            err = "cannot write '" + path + "': " + std::strerror(errno);
            break;
        }
        done += static_cast<std::size_t>(n);
    }
    ::explicit_bzero(data.data(), data.size());
    if (err.empty() && ::fsync(fd) != 0) err = "cannot write '" + path + "': " + std::strerror(errno);
    if (::close(fd) != 0 && err.empty()) err = "cannot write '" + path + "': " + std::strerror(errno);
    if (!err.empty()) ::unlink(path.c_str());  // never leave a partial key behind
    return err;
}

template <class V>
int keygen_with(const args& a) {
    const auto out = a.value("out");
    if (out && out->empty()) throw usage_error("--out needs a file name");

    auto key = V::keygen_key(a);
    if (!key) {
        print_line("polywire: key generation failed: " + key.error().message(), true);
        return exit_failure;
    }
    auto id = V::node_id(key.value());
    if (!id) {
        print_line("polywire: key generation failed: " + id.error().message(), true);
        return exit_failure;
    }
    std::string hex = to_hex(V::key_bytes(key.value()));
    json j;
    if (out) {
        const std::string err = write_key_file(*out, hex);
        ::explicit_bzero(hex.data(), hex.size());
        if (!err.empty()) {
            print_line("polywire: " + err, true);
            return exit_failure;
        }
        j["node_id"] = transport::id_text<V>(id.value());
        emit(j);
        return exit_ok;
    }
    j["private_key"] = hex;
    j["node_id"] = transport::id_text<V>(id.value());
    ::explicit_bzero(hex.data(), hex.size());
    emit(j);
    return exit_ok;
}
}  // namespace

int run_keygen(std::span<const std::string> words) {
    const args a = args::parse("keygen", words, keygen_options, 0);
    if (a.has("help")) {
        print_line(usage());
        return exit_ok;
    }
    return with_variant(variant_name(a), [&](auto v) { return keygen_with<decltype(v)>(a); });
}

}  // namespace polywire::cli
