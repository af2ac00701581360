#include "crypto/random.hpp"

#include <cerrno>

#include <sys/random.h>

#include "crypto/error.hpp"

namespace polywire::crypto {

std::error_code random_bytes(mutable_byte_view out) noexcept {
    std::size_t done = 0;
    while (done < out.size()) {
        ssize_t n = ::getrandom(out.data() + done, out.size() - done, 0);
        if (n < 0) {
            if (errno == EINTR) continue;
            return errc::random_failure;
        }
        done += static_cast<std::size_t>(n);
    }
    return {};
}

std::error_code random_bytes(const transport::random_source& source, mutable_byte_view out) noexcept {
    if (!source) return random_bytes(out);
    return source(out);
}

}  // namespace polywire::crypto
