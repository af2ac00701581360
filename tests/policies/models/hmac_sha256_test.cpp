#include "policies/models/hmac_sha256.hpp"

#include <cerrno>

#include <gtest/gtest.h>

#include "policies/mac_state.hpp"
#include "tests/support/hex.hpp"

namespace toy {
enum class errc { bad_mac = EBADMSG };
inline std::error_code make_error_code(errc e) { return {static_cast<int>(e), std::generic_category()}; }
struct secrets {
    polywire::bytes egress_key, ingress_key;
};
inline polywire::byte_view mac_key(const secrets& s, polywire::policies::direction d) {
    return d == polywire::policies::direction::egress ? s.egress_key : s.ingress_key;
}
}  // namespace toy
template <>
struct std::is_error_code_enum<toy::errc> : std::true_type {};

namespace polywire::policies {
namespace {
using test::h;
using test::hx;
using mac = hmac_sha256<toy::errc::bad_mac>;

static_assert(MacStateFor<mac, toy::secrets>);
static_assert(PerPartMac<mac> && WholeFrameMac<mac>);

// RFC 4231, test case 2: key "Jefe", data "what do ya want for nothing?".
const char* const rfc4231_2 = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";

toy::secrets jefe() {
    auto b = as_bytes("Jefe");
    return {bytes(b.begin(), b.end()), bytes(32, 0x0b)};
}

TEST(HmacSha256MacTest, TagsAreHmacSha256UnderTheDirectionsKey) {
    mac m(jefe(), direction::egress);
    std::array<std::uint8_t, 32> t{};
    for (int i = 0; i < 3; ++i) {  // the key stays set from one tag to the next
        m.frame_tag(as_bytes("what do ya want for nothing?"), t);
        EXPECT_EQ(hx(t), rfc4231_2);
    }
    m.header_tag(as_bytes("what do ya want for nothing?"), t);
    EXPECT_EQ(hx(t), rfc4231_2);
    m.body_tag(as_bytes("what do ya want for nothing?"), t);
    EXPECT_EQ(hx(t), rfc4231_2);
    // RFC 4231, test case 1: key 0x0b * 20 (here 32 bytes: a different tag).
    mac in(jefe(), direction::ingress);
    in.frame_tag(as_bytes("Hi There"), t);
    EXPECT_NE(hx(t), rfc4231_2);
}

TEST(HmacSha256MacTest, ChecksCompareTheWholeTagAndReturnTheProtocolsError) {
    mac m(jefe(), direction::egress);
    const bytes good = h(rfc4231_2);
    const auto data = as_bytes("what do ya want for nothing?");
    EXPECT_FALSE(m.check_frame(data, good));
    EXPECT_FALSE(m.check_header(data, good));
    EXPECT_FALSE(m.check_body(data, good));
    for (std::size_t i = 0; i < good.size(); ++i) {
        bytes bad = good;
        bad[i] ^= 0x01;
        EXPECT_EQ(m.check_frame(data, bad), toy::errc::bad_mac) << i;
        EXPECT_EQ(m.check_body(data, bad), toy::errc::bad_mac) << i;
    }
    EXPECT_EQ(m.check_frame(data, byte_view(good).first(31)), toy::errc::bad_mac);
    EXPECT_FALSE(m.check_frame(data, good));  // a failed check leaves the state usable
}

}  // namespace
}  // namespace polywire::policies
