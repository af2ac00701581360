#include "variants/noise_xk/error.hpp"

#include "transport/error.hpp"

namespace polywire::variants::noise_xk {
namespace {

bool is_tag_failure(errc e) noexcept {
    return e == errc::act1_bad_tag || e == errc::act2_bad_tag || e == errc::act3_bad_ciphertext ||
           e == errc::act3_bad_tag;
}

class category final : public std::error_category {
public:
    const char* name() const noexcept override { return "polywire.noise_xk"; }
    std::string message(int ev) const override {
        switch (static_cast<errc>(ev)) {
            case errc::act1_bad_version: return "Act One has an unknown handshake version (BOLT 8 knows version 0)";
            case errc::act1_bad_pubkey: return "Act One carries an invalid ephemeral public key";
            case errc::act1_bad_tag: return "Act One failed authentication: the initiator dialled another node key, or data was corrupted";
            case errc::act2_bad_version: return "Act Two has an unknown handshake version (BOLT 8 knows version 0)";
            case errc::act2_bad_pubkey: return "Act Two carries an invalid ephemeral public key";
            case errc::act2_bad_tag: return "Act Two failed authentication: the responder is not the node dialled, or data was corrupted";
            case errc::act3_bad_version: return "Act Three has an unknown handshake version (BOLT 8 knows version 0)";
            case errc::act3_bad_ciphertext: return "Act Three's encrypted static key failed authentication";
            case errc::act3_bad_pubkey: return "Act Three carries an invalid static public key";
            case errc::act3_bad_tag: return "Act Three failed authentication: the initiator does not hold its static key, or data was corrupted";
            case errc::wrong_remote_identity: return "the initiator's static key differs from the one expected";
            case errc::handshake_truncated: return "the connection ended in the middle of a handshake act";
        }
        return "unknown polywire.noise_xk error";
    }
    std::error_condition default_error_condition(int ev) const noexcept override {
        switch (static_cast<errc>(ev)) {
            case errc::act1_bad_version:
            case errc::act1_bad_pubkey:
            case errc::act1_bad_tag:
            case errc::act2_bad_version:
            case errc::act2_bad_pubkey:
            case errc::act2_bad_tag:
            case errc::act3_bad_version:
            case errc::act3_bad_ciphertext:
            case errc::act3_bad_pubkey:
            case errc::act3_bad_tag:
            case errc::wrong_remote_identity:
            case errc::handshake_truncated: return transport::condition::handshake_failed;
        }
        return {ev, *this};
    }
    // A failed act tag is a handshake failure and an authentication failure;
    // an end of stream inside an act is a handshake failure and the peer
    // disconnecting.
    bool equivalent(int ev, const std::error_condition& cond) const noexcept override {
        if (cond == transport::condition::authentication_failed && is_tag_failure(static_cast<errc>(ev))) return true;
        if (cond == transport::condition::peer_disconnected && static_cast<errc>(ev) == errc::handshake_truncated)
            return true;
        return default_error_condition(ev) == cond;
    }
};

}  // namespace

const std::error_category& error_category() noexcept {
    static const category c;
    return c;
}

}  // namespace polywire::variants::noise_xk
