#include "rlpx/p2p/messages.hpp"

namespace polywire::rlpx::p2p {

std::string_view message_name(std::uint64_t code) noexcept {
    switch (code) {
        case hello_code: return "hello";
        case disconnect_code: return "disconnect";
        case ping_code: return "ping";
        case pong_code: return "pong";
        default: return {};
    }
}

}  // namespace polywire::rlpx::p2p
