// Noise handshake patterns (noiseprotocol.org, revision 34, §7 and §9) as
// compile-time values.
//
// A pattern is a type: its name, the two pre-messages (initiator's first,
// then responder's) and its messages, which alternate from the initiator
// (->) and the responder (<-), each a list of tokens:
//
//   using namespace polywire::noise::tok;
//   using XK = noise::handshake_pattern<"XK", pre<>, pre<s>,   // <- s  ...
//                                       msg<e, es>,            // -> e, es
//                                       msg<e, ee>,            // <- e, ee
//                                       msg<s, se>>;           // -> s, se
//
// A pattern with one message is one-way (N, K, X): only the initiator
// sends, then and afterwards. psk modifiers are a transformation:
// `with_psk<pattern::XX, 0, 2>` is XXpsk0+psk2 (psk0 begins the first
// message, pskN ends the N-th).
//
// Validity (§7.3 and §9.3) is checked when the pattern type is used; a
// pattern that is not valid Noise fails to compile with one sentence (the
// static_asserts of check_pattern below): a DH token before both of its
// public keys were sent, a key sent twice, a DH done twice, a psk token
// neither at the start of the first message nor at the end of a message,
// encryption after a psk by a party that has not sent its ephemeral key,
// or encryption after a DH with the sender's static key before the
// matching DH with its ephemeral key.
//
// `pattern::` below holds the 12 fundamental interactive patterns, the 3
// one-way patterns, the 23 deferred patterns of §7.6, and the psk patterns
// of the test vectors (`pattern::XXpsk3`...).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace polywire::noise {

enum class token : std::uint8_t { e, s, ee, es, se, ss, psk };

/// The tokens by their names in the spec: `using namespace noise::tok;`.
namespace tok {
inline constexpr token e = token::e;
inline constexpr token s = token::s;
inline constexpr token ee = token::ee;
inline constexpr token es = token::es;
inline constexpr token se = token::se;
inline constexpr token ss = token::ss;
inline constexpr token psk = token::psk;
}  // namespace tok

inline constexpr std::size_t max_messages = 8;
inline constexpr std::size_t max_tokens = 12;

/// One message's (or pre-message's) tokens.
struct message_desc {
    std::array<token, max_tokens> tokens{};
    std::size_t count = 0;
    constexpr bool has(token t) const noexcept {
        for (std::size_t i = 0; i < count; ++i)
            if (tokens[i] == t) return true;
        return false;
    }
};

/// A whole pattern: pre-messages, then the messages (message i is sent by
/// the initiator when i is even).
struct pattern_desc {
    message_desc pre_initiator{};
    message_desc pre_responder{};
    std::array<message_desc, max_messages> messages{};
    std::size_t count = 0;
    std::size_t too_many = 0;  ///< messages or tokens beyond the capacity (a compile error)
    bool psk_beyond = false;   ///< a pskN modifier with N beyond the messages (a compile error)

    constexpr bool has_psk() const noexcept {
        for (std::size_t i = 0; i < count; ++i)
            if (messages[i].has(token::psk)) return true;
        return false;
    }
    constexpr std::size_t psk_count() const noexcept {
        std::size_t n = 0;
        for (std::size_t i = 0; i < count; ++i)
            for (std::size_t j = 0; j < messages[i].count; ++j) n += messages[i].tokens[j] == token::psk;
        return n;
    }
    constexpr bool one_way() const noexcept { return count == 1; }
};

/// A pre-message (e, s, or e then s) and a message: lists of tokens.
template <token... T>
struct pre {};
template <token... T>
struct msg {};

namespace detail {

template <token... T>
constexpr message_desc make_message(std::size_t& too_many) {
    message_desc m{};
    for (token t : std::initializer_list<token>{T...}) {
        if (m.count == max_tokens) {
            ++too_many;
            continue;
        }
        m.tokens[m.count++] = t;
    }
    return m;
}
template <token... T>
constexpr message_desc as_message(pre<T...>, std::size_t& too_many) {
    return make_message<T...>(too_many);
}
template <token... T>
constexpr message_desc as_message(msg<T...>, std::size_t& too_many) {
    return make_message<T...>(too_many);
}

template <class PreI, class PreR, class... Msgs>
constexpr pattern_desc make_pattern() {
    pattern_desc d{};
    d.pre_initiator = as_message(PreI{}, d.too_many);
    d.pre_responder = as_message(PreR{}, d.too_many);
    ((d.count < max_messages ? void(d.messages[d.count++] = as_message(Msgs{}, d.too_many)) : void(++d.too_many)),
     ...);
    return d;
}

/// Why a pattern is not valid Noise (none: it is).
enum class invalid {
    none,
    capacity,
    no_messages,
    bad_pre_message,
    key_sent_twice,
    dh_before_keys,
    dh_twice,
    psk_misplaced,
    psk_beyond,
    psk_without_e,
    static_dh_unmatched,
};

struct party {
    bool e = false, s = false;
};

/// The validity rules of §7.3 (1-4) and §9.3, token by token.
constexpr invalid validate(const pattern_desc& d) noexcept {
    if (d.too_many != 0) return invalid::capacity;
    if (d.count == 0) return invalid::no_messages;
    if (d.psk_beyond) return invalid::psk_beyond;
    party sent[2]{};  // [0] initiator, [1] responder: public keys sent (pre-messages included)
    for (int p = 0; p < 2; ++p) {
        const message_desc& m = p == 0 ? d.pre_initiator : d.pre_responder;
        for (std::size_t i = 0; i < m.count; ++i) {
            if (m.tokens[i] == token::e && i == 0 && !sent[p].e) {
                sent[p].e = true;
            } else if (m.tokens[i] == token::s && !sent[p].s) {
                sent[p].s = true;
            } else {
                return invalid::bad_pre_message;
            }
        }
    }
    bool done[4]{};  // ee es se ss
    bool any_psk = false;
    bool keyed = false;  // a DH or psk happened: encryption is real
    // After a DH between the local static key and a remote key, a party
    // must not encrypt before the DH of its local ephemeral key with that
    // remote key: initiator se needs ee, ss needs es; responder es needs ee,
    // ss needs se.
    auto may_encrypt = [&](int p) {
        if (any_psk && !sent[p].e) return invalid::psk_without_e;
        if (p == 0 && ((done[2] && !done[0]) || (done[3] && !done[1]))) return invalid::static_dh_unmatched;
        if (p == 1 && ((done[1] && !done[0]) || (done[3] && !done[2]))) return invalid::static_dh_unmatched;
        return invalid::none;
    };
    for (std::size_t mi = 0; mi < d.count; ++mi) {
        const int p = mi % 2 == 0 ? 0 : 1;  // the sender
        const message_desc& m = d.messages[mi];
        for (std::size_t i = 0; i < m.count; ++i) {
            const token t = m.tokens[i];
            switch (t) {
                case token::e:
                    if (sent[p].e) return invalid::key_sent_twice;
                    sent[p].e = true;
                    break;
                case token::s:
                    if (sent[p].s) return invalid::key_sent_twice;
                    if (keyed) {
                        if (auto v = may_encrypt(p); v != invalid::none) return v;
                    }
                    sent[p].s = true;
                    break;
                case token::psk:
                    if (!((mi == 0 && i == 0) || i + 1 == m.count)) return invalid::psk_misplaced;
                    any_psk = true;
                    keyed = true;
                    break;
                default: {
                    // ee: (e_i, e_r); es: (e_i, s_r); se: (s_i, e_r); ss: (s_i, s_r)
                    const int k = t == token::ee ? 0 : t == token::es ? 1 : t == token::se ? 2 : 3;
                    const bool init_key = k <= 1 ? sent[0].e : sent[0].s;
                    const bool resp_key = k % 2 == 0 ? sent[1].e : sent[1].s;
                    if (!init_key || !resp_key) return invalid::dh_before_keys;
                    if (done[k]) return invalid::dh_twice;
                    done[k] = true;
                    keyed = true;
                    break;
                }
            }
        }
        // The payload is encrypted once a key exists.
        if (keyed) {
            if (auto v = may_encrypt(p); v != invalid::none) return v;
        }
    }
    // Transport messages: both parties encrypt (one-way: the initiator only).
    for (int p = 0; p < (d.one_way() ? 1 : 2); ++p) {
        if (auto v = may_encrypt(p); v != invalid::none) return v;
    }
    return invalid::none;
}

}  // namespace detail

/// Asserts, in one sentence, that `D` is valid Noise; always true otherwise.
template <pattern_desc D>
constexpr bool check_pattern() {
    constexpr detail::invalid v = detail::validate(D);
    using detail::invalid;
    static_assert(v != invalid::capacity, "Noise pattern: at most 8 messages of at most 12 tokens each");
    static_assert(v != invalid::no_messages, "Noise pattern: a pattern needs at least one message");
    static_assert(v != invalid::bad_pre_message, "Noise pattern: a pre-message holds e, s, or e then s");
    static_assert(v != invalid::key_sent_twice,
                  "Noise pattern: a party sends its e or its s at most once (pre-messages included)");
    static_assert(v != invalid::dh_before_keys,
                  "Noise pattern: a DH token (ee, es, se, ss) comes after both of its public keys were sent");
    static_assert(v != invalid::dh_twice, "Noise pattern: each DH token (ee, es, se, ss) appears at most once");
    static_assert(v != invalid::psk_misplaced,
                  "Noise pattern: a psk token begins the first message (psk0) or ends a message (pskN)");
    static_assert(v != invalid::psk_beyond, "Noise pattern: a pskN modifier needs a pattern of at least N messages");
    static_assert(v != invalid::psk_without_e,
                  "Noise pattern: with a psk, a party sends its e before it encrypts anything");
    static_assert(v != invalid::static_dh_unmatched,
                  "Noise pattern: a party encrypts after a DH with its static key only once it has done the "
                  "same DH with its ephemeral key");
    return true;
}

/// A string literal as a template argument: handshake_pattern<"XX", ...>.
template <std::size_t N>
struct pattern_name {
    char chars[N]{};
    constexpr pattern_name(const char (&s)[N]) noexcept {
        for (std::size_t i = 0; i < N; ++i) chars[i] = s[i];
    }
    constexpr std::string_view view() const noexcept { return {chars, N - 1}; }
};

/// A pattern: a name, the initiator's and the responder's pre-messages, and
/// the messages (-> first, then alternating).
template <pattern_name Name, class PreI, class PreR, class... Msgs>
struct handshake_pattern {
    static constexpr std::string_view name = Name.view();
    static constexpr pattern_desc desc = detail::make_pattern<PreI, PreR, Msgs...>();
    static_assert(check_pattern<desc>());
};

namespace detail {
constexpr std::size_t digits(std::size_t n) noexcept { return n < 10 ? 1 : 1 + digits(n / 10); }

template <class Base, std::size_t... N>
struct psk_name {
    static constexpr std::size_t size = Base::name.size() + ((3 + digits(N)) + ...) + (sizeof...(N) - 1);
    static constexpr std::array<char, size> chars = [] {
        std::array<char, size> a{};
        std::size_t at = 0;
        for (char c : Base::name) a[at++] = c;
        bool first = true;
        for (std::size_t n : {N...}) {
            if (!first) a[at++] = '+';
            first = false;
            for (char c : std::string_view("psk")) a[at++] = c;
            char buf[20]{};
            std::size_t k = 0;
            do {
                buf[k++] = static_cast<char>('0' + n % 10);
                n /= 10;
            } while (n != 0);
            while (k > 0) a[at++] = buf[--k];
        }
        return a;
    }();
};

template <std::size_t... N>
constexpr pattern_desc add_psks(pattern_desc d) {
    for (std::size_t n : {N...}) {
        if (n > d.count || (n == 0 && d.count == 0)) {
            d.psk_beyond = true;
            continue;
        }
        message_desc& m = d.messages[n == 0 ? 0 : n - 1];
        if (m.count == max_tokens) {
            ++d.too_many;
            continue;
        }
        if (n == 0) {
            for (std::size_t i = m.count; i > 0; --i) m.tokens[i] = m.tokens[i - 1];
            m.tokens[0] = token::psk;
        } else {
            m.tokens[m.count] = token::psk;
        }
        ++m.count;
    }
    return d;
}
}  // namespace detail

/// A psk-modified pattern: `with_psk<pattern::XX, 0, 2>` is XXpsk0+psk2.
/// psk0 puts a psk token at the start of the first message, pskN (N >= 1)
/// at the end of the N-th; modifiers are listed in increasing order.
template <class Base, std::size_t... N>
struct with_psk {
    static_assert(sizeof...(N) > 0, "Noise pattern: with_psk needs at least one psk position");
    static constexpr std::string_view name{detail::psk_name<Base, N...>::chars.data(),
                                           detail::psk_name<Base, N...>::size};
    static constexpr pattern_desc desc = detail::add_psks<N...>(Base::desc);
    static_assert(check_pattern<desc>());
};

/// The patterns of the spec, by name.
namespace pattern {
using namespace tok;
// One-way (§7.4).
using N = handshake_pattern<"N", pre<>, pre<s>, msg<e, es>>;
using K = handshake_pattern<"K", pre<s>, pre<s>, msg<e, es, ss>>;
using X = handshake_pattern<"X", pre<>, pre<s>, msg<e, es, s, ss>>;
// Fundamental interactive (§7.5).
using NN = handshake_pattern<"NN", pre<>, pre<>, msg<e>, msg<e, ee>>;
using NK = handshake_pattern<"NK", pre<>, pre<s>, msg<e, es>, msg<e, ee>>;
using NX = handshake_pattern<"NX", pre<>, pre<>, msg<e>, msg<e, ee, s, es>>;
using KN = handshake_pattern<"KN", pre<s>, pre<>, msg<e>, msg<e, ee, se>>;
using KK = handshake_pattern<"KK", pre<s>, pre<s>, msg<e, es, ss>, msg<e, ee, se>>;
using KX = handshake_pattern<"KX", pre<s>, pre<>, msg<e>, msg<e, ee, se, s, es>>;
using XN = handshake_pattern<"XN", pre<>, pre<>, msg<e>, msg<e, ee>, msg<s, se>>;
using XK = handshake_pattern<"XK", pre<>, pre<s>, msg<e, es>, msg<e, ee>, msg<s, se>>;
using XX = handshake_pattern<"XX", pre<>, pre<>, msg<e>, msg<e, ee, s, es>, msg<s, se>>;
using IN = handshake_pattern<"IN", pre<>, pre<>, msg<e, s>, msg<e, ee, se>>;
using IK = handshake_pattern<"IK", pre<>, pre<s>, msg<e, es, s, ss>, msg<e, ee, se>>;
using IX = handshake_pattern<"IX", pre<>, pre<>, msg<e, s>, msg<e, ee, se, s, es>>;
// Deferred (§7.6).
using NK1 = handshake_pattern<"NK1", pre<>, pre<s>, msg<e>, msg<e, ee, es>>;
using NX1 = handshake_pattern<"NX1", pre<>, pre<>, msg<e>, msg<e, ee, s>, msg<es>>;
using X1N = handshake_pattern<"X1N", pre<>, pre<>, msg<e>, msg<e, ee>, msg<s>, msg<se>>;
using X1K = handshake_pattern<"X1K", pre<>, pre<s>, msg<e, es>, msg<e, ee>, msg<s>, msg<se>>;
using XK1 = handshake_pattern<"XK1", pre<>, pre<s>, msg<e>, msg<e, ee, es>, msg<s, se>>;
using X1K1 = handshake_pattern<"X1K1", pre<>, pre<s>, msg<e>, msg<e, ee, es>, msg<s>, msg<se>>;
using X1X = handshake_pattern<"X1X", pre<>, pre<>, msg<e>, msg<e, ee, s, es>, msg<s>, msg<se>>;
using XX1 = handshake_pattern<"XX1", pre<>, pre<>, msg<e>, msg<e, ee, s>, msg<es, s, se>>;
using X1X1 = handshake_pattern<"X1X1", pre<>, pre<>, msg<e>, msg<e, ee, s>, msg<es, s>, msg<se>>;
using K1N = handshake_pattern<"K1N", pre<s>, pre<>, msg<e>, msg<e, ee>, msg<se>>;
using K1K = handshake_pattern<"K1K", pre<s>, pre<s>, msg<e, es>, msg<e, ee>, msg<se>>;
using KK1 = handshake_pattern<"KK1", pre<s>, pre<s>, msg<e>, msg<e, ee, se, es>>;
using K1K1 = handshake_pattern<"K1K1", pre<s>, pre<s>, msg<e>, msg<e, ee, es>, msg<se>>;
using K1X = handshake_pattern<"K1X", pre<s>, pre<>, msg<e>, msg<e, ee, s, es>, msg<se>>;
using KX1 = handshake_pattern<"KX1", pre<s>, pre<>, msg<e>, msg<e, ee, se, s>, msg<es>>;
using K1X1 = handshake_pattern<"K1X1", pre<s>, pre<>, msg<e>, msg<e, ee, s>, msg<se, es>>;
using I1N = handshake_pattern<"I1N", pre<>, pre<>, msg<e, s>, msg<e, ee>, msg<se>>;
using I1K = handshake_pattern<"I1K", pre<>, pre<s>, msg<e, es, s>, msg<e, ee>, msg<se>>;
using IK1 = handshake_pattern<"IK1", pre<>, pre<s>, msg<e, s>, msg<e, ee, se, es>>;
using I1K1 = handshake_pattern<"I1K1", pre<>, pre<s>, msg<e, s>, msg<e, ee, es>, msg<se>>;
using I1X = handshake_pattern<"I1X", pre<>, pre<>, msg<e, s>, msg<e, ee, s, es>, msg<se>>;
using IX1 = handshake_pattern<"IX1", pre<>, pre<>, msg<e, s>, msg<e, ee, se, s>, msg<es>>;
using I1X1 = handshake_pattern<"I1X1", pre<>, pre<>, msg<e, s>, msg<e, ee, s>, msg<se, es>>;
// psk patterns (§9.4) and the others of the test vectors.
using Npsk0 = with_psk<N, 0>;
using Kpsk0 = with_psk<K, 0>;
using Xpsk1 = with_psk<X, 1>;
using NNpsk0 = with_psk<NN, 0>;
using NNpsk2 = with_psk<NN, 2>;
using NKpsk0 = with_psk<NK, 0>;
using NKpsk2 = with_psk<NK, 2>;
using NXpsk2 = with_psk<NX, 2>;
using XNpsk3 = with_psk<XN, 3>;
using XKpsk3 = with_psk<XK, 3>;
using XXpsk3 = with_psk<XX, 3>;
using KNpsk0 = with_psk<KN, 0>;
using KNpsk2 = with_psk<KN, 2>;
using KKpsk0 = with_psk<KK, 0>;
using KKpsk2 = with_psk<KK, 2>;
using KXpsk2 = with_psk<KX, 2>;
using INpsk1 = with_psk<IN, 1>;
using INpsk2 = with_psk<IN, 2>;
using IKpsk1 = with_psk<IK, 1>;
using IKpsk2 = with_psk<IK, 2>;
using IXpsk2 = with_psk<IX, 2>;
}  // namespace pattern

}  // namespace polywire::noise
