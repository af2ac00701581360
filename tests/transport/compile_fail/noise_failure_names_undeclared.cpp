// expect: noise handshake Framing: defines name_failure but does not declare `static constexpr bool names_failures = true;`
// A handshake framing that names its failures but does not say so: the
// handshake would report the generic errors without a word.
#include "policies/noise/handshake.hpp"

namespace polywire::noise {
struct quiet_framing : length_prefixed {
    static std::error_code name_failure(std::size_t, failure_site, std::error_code ec) noexcept { return ec; }
};
using bad = handshake<pattern::NN, suite<dh25519, chachapoly, sha256>, quiet_framing>;
constexpr std::size_t count = bad::message_count;
}  // namespace polywire::noise
