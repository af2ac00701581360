// detail::asio_core's contract with the adapters' states, as the concept
// detail::asio_adapter_state states it: both adapters' states satisfy it,
// and a state that lacks a piece (or gets one's type wrong) does not, so
// detail::asio_handle's static_assert names the concept instead of failing
// deep inside asio_core. The handle's operations themselves are tested
// through asio_session_test and asio_datagram_test.
#include "transport/adapters/asio_core.hpp"

#include <gtest/gtest.h>

#include "transport/adapters/asio_datagram.hpp"
#include "transport/adapters/asio_session.hpp"
#include "variants/x25519_xchacha/config.hpp"

namespace polywire::transport::adapters {
namespace {

namespace xx = variants::x25519_xchacha;
using detail::asio_adapter_state;

static_assert(asio_adapter_state<detail::stream_adapter::state<xx::session>>);
static_assert(asio_adapter_state<detail::datagram_adapter::state<xx::udp_session>>);

// A complete state, by hand, then copies each missing or mistyping one piece.
struct complete {
    void write_now() {}
    void read_available() {}
    static bool ended(session_state) noexcept { return false; }
    bool unsent() const noexcept { return false; }
    std::size_t send_queue_bytes() const noexcept { return 0; }
    std::size_t queued_capacity() const noexcept { return 0; }
    static std::error_code io_error(const boost::system::error_code&) noexcept { return {}; }
    void release_socket() {}
    void after_session_start() {}
    void settle_open(session_state) {}
    static constexpr errc closed_in_handshake = errc::session_closed;
};
static_assert(asio_adapter_state<complete>);

struct no_write_now : complete {
    void write_now() = delete;
};
struct no_read_available : complete {
    void read_available() = delete;
};
struct ended_not_static : complete {
    bool ended(session_state) const noexcept { return false; }  // hides the static one
};
struct unsent_not_const : complete {
    bool unsent() noexcept { return false; }
    bool unsent() const = delete;
};
struct queue_bytes_wrong_type : complete {
    int send_queue_bytes() const noexcept { return 0; }
};
struct no_queued_capacity : complete {
    std::size_t queued_capacity() const = delete;
};
struct io_error_wrong_type : complete {
    static int io_error(const boost::system::error_code&) noexcept { return 0; }
};
struct no_release_socket : complete {
    void release_socket() = delete;
};
struct closed_in_handshake_not_errc : complete {
    static constexpr int closed_in_handshake = 1;
};

static_assert(!asio_adapter_state<no_write_now>);
static_assert(!asio_adapter_state<no_read_available>);
static_assert(!asio_adapter_state<ended_not_static>);
static_assert(!asio_adapter_state<unsent_not_const>);
static_assert(!asio_adapter_state<queue_bytes_wrong_type>);
static_assert(!asio_adapter_state<no_queued_capacity>);
static_assert(!asio_adapter_state<io_error_wrong_type>);
static_assert(!asio_adapter_state<no_release_socket>);
static_assert(!asio_adapter_state<closed_in_handshake_not_errc>);

// The two public classes are the one handle: the same operations, one
// implementation.
static_assert(std::is_base_of_v<detail::asio_handle<detail::stream_adapter::state<xx::session>>,
                                asio_session<xx::session>>);
static_assert(std::is_base_of_v<detail::asio_handle<detail::datagram_adapter::state<xx::udp_session>>,
                                asio_datagram<xx::udp_session>>);
// The handle is a move-only owner.
static_assert(std::is_nothrow_move_constructible_v<asio_session<xx::session>>);
static_assert(!std::is_copy_constructible_v<asio_datagram<xx::udp_session>>);

TEST(AsioCoreTest, TheContractIsCheckedAtCompileTime) { SUCCEED() << "see the static_asserts of this file"; }

}  // namespace
}  // namespace polywire::transport::adapters
