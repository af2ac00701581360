// Runs a test body written as a coroutine on an io_context, with a
// watchdog, on one or more threads; and the small waits such bodies need.
//
//   test::run_coroutine([&]() -> asio::awaitable<void> { ... co_return; }, 2);
//   co_await test::sleep_for(5ms);
//   CO_ASSERT(co_await test::wait_until([&] { return done == 4; }));
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
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
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

/// Suspends the calling coroutine for `d`.
inline boost::asio::awaitable<void> sleep_for(std::chrono::steady_clock::duration d) {
    boost::asio::steady_timer t(co_await boost::asio::this_coro::executor, d);
    boost::system::error_code ec;
    co_await t.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
}

/// Checks `done()` every millisecond until it holds (true) or `limit`
/// passes (false). `done` runs on the calling coroutine's executor.
inline boost::asio::awaitable<bool> wait_until(std::function<bool()> done,
                                               std::chrono::steady_clock::duration limit = std::chrono::seconds(10)) {
    const auto until = std::chrono::steady_clock::now() + limit;
    while (!done()) {
        if (std::chrono::steady_clock::now() >= until) co_return false;
        co_await sleep_for(std::chrono::milliseconds(1));
    }
    co_return true;
}

}  // namespace polywire::test
