// Runs a test body written as a coroutine on an io_context, with a
// watchdog, on one or more threads.
//
//   test::run_coroutine([&]() -> asio::awaitable<void> { ... co_return; }, 2);
//
// gtest's ASSERT_* return from a function; in a coroutine use CO_ASSERT.
#pragma once

#include <utility>

#include <chrono>
#include <exception>
#include <functional>
#include <thread>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <gtest/gtest.h>

/// ASSERT for coroutines: records a failure and co_returns.
#define CO_ASSERT(...)                                     \
    do {                                                   \
        if (!(__VA_ARGS__)) {                              \
            ADD_FAILURE() << "assertion failed: " #__VA_ARGS__; \
            co_return;                                     \
        }                                                  \
    } while (false)

namespace polywire::test {

/// Runs `body()` on a new io_context with `threads` threads until no work is
/// left; fails the test and stops everything after `limit`.
inline void run_coroutine(const std::function<boost::asio::awaitable<void>()>& body, int threads = 1,
                          std::chrono::seconds limit = std::chrono::seconds(60)) {
    namespace asio = boost::asio;
    asio::io_context io;
    asio::steady_timer watchdog(io, limit);
    watchdog.async_wait([&](const boost::system::error_code& ec) {
        if (ec) return;
        ADD_FAILURE() << "the test did not finish within " << limit.count() << " s";
        io.stop();
    });
    asio::co_spawn(io, body(), [&](std::exception_ptr e) {
        watchdog.cancel();
        if (e) {
            try {
                std::rethrow_exception(e);
            } catch (const std::exception& x) {
                ADD_FAILURE() << "the test body threw: " << x.what();
            } catch (...) {
                ADD_FAILURE() << "the test body threw";
            }
        }
    });
    std::vector<std::thread> extra;
    for (int i = 1; i < threads; ++i) extra.emplace_back([&] { io.run(); });
    io.run();
    for (auto& t : extra) t.join();
}

}  // namespace polywire::test
