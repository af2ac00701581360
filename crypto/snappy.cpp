#include "crypto/snappy.hpp"

#include <snappy.h>

#include "transport/error.hpp"

namespace polywire::crypto::snappy {
namespace {
class category final : public std::error_category {
public:
    const char* name() const noexcept override { return "polywire.snappy"; }
    std::string message(int ev) const override {
        if (static_cast<errc>(ev) == errc::size_over_limit)
            return "a compressed message declares a decompressed size above the limit";
        return "the snappy-compressed data is corrupt";
    }
    std::error_condition default_error_condition(int ev) const noexcept override {
        if (static_cast<errc>(ev) == errc::size_over_limit) return transport::condition::limit_exceeded;
        return transport::condition::protocol_violation;
    }
};
}  // namespace

const std::error_category& error_category() noexcept {
    static const category c;
    return c;
}

std::size_t max_compressed_length(std::size_t n) noexcept { return ::snappy::MaxCompressedLength(n); }

std::size_t compress(byte_view in, mutable_byte_view out) noexcept {
    std::size_t n = 0;
    ::snappy::RawCompress(reinterpret_cast<const char*>(in.data()), in.size(), reinterpret_cast<char*>(out.data()), &n);
    return n;
}

result<std::size_t> declared_length(byte_view in) noexcept {
    std::size_t n = 0;
    if (!::snappy::GetUncompressedLength(reinterpret_cast<const char*>(in.data()), in.size(), &n))
        return make_error_code(errc::corrupt);
    return n;
}

std::error_code uncompress(byte_view in, mutable_byte_view out) noexcept {
    std::size_t n = 0;
    const char* src = reinterpret_cast<const char*>(in.data());
    if (!::snappy::GetUncompressedLength(src, in.size(), &n) || n != out.size()) return errc::corrupt;
    if (!::snappy::RawUncompress(src, in.size(), reinterpret_cast<char*>(out.data()))) return errc::corrupt;
    return {};
}

}  // namespace polywire::crypto::snappy
