#include "transport/impl/event_queue.hpp"

#include "transport/error.hpp"

#include <gtest/gtest.h>

namespace polywire::transport::detail {
namespace {

queued_event message(std::size_t offset, std::size_t size) {
    return {.kind = event_kind::message, .code = 7, .offset = offset, .size = size};
}

TEST(EventQueue, HandsOutEventsInOrder) {
    event_queue q;
    EXPECT_TRUE(q.empty());
    EXPECT_FALSE(q.pop());
    q.push({.kind = event_kind::handshake_complete});
    q.push(message(10, 3));
    q.push({.kind = event_kind::pong});
    EXPECT_EQ(q.size(), 3u);
    EXPECT_EQ(q.pop()->kind, event_kind::handshake_complete);
    auto m = q.pop();
    ASSERT_TRUE(m);
    EXPECT_EQ(m->kind, event_kind::message);
    EXPECT_EQ(m->offset, 10u);
    EXPECT_EQ(m->size, 3u);
    EXPECT_EQ(q.pop()->kind, event_kind::pong);
    EXPECT_TRUE(q.empty());
    EXPECT_FALSE(q.pop());
}

TEST(EventQueue, FirstMessageOffsetIgnoresTakenMessagesAndOtherEvents) {
    event_queue q;
    EXPECT_EQ(q.first_message_offset(100), 100u);  // nothing waiting: the limit
    q.push(message(5, 1));
    q.push({.kind = event_kind::ping});
    q.push(message(40, 2));
    EXPECT_EQ(q.first_message_offset(100), 5u);
    EXPECT_EQ(q.first_message_offset(3), 3u);  // the limit when smaller
    q.pop();                                    // the message at 5 is taken
    EXPECT_EQ(q.first_message_offset(100), 40u);
}

TEST(EventQueue, ShiftOffsetsMovesOnlyUntakenMessages) {
    event_queue q;
    q.push(message(10, 1));
    q.push({.kind = event_kind::error, .error = errc::read_timeout});
    q.push(message(30, 1));
    q.pop();
    q.shift_offsets(10);
    EXPECT_EQ(q.pop()->error, make_error_code(errc::read_timeout));
    EXPECT_EQ(q.pop()->offset, 20u);
}

TEST(EventQueue, DropQueuedKeepsWhatWasTaken) {
    event_queue q;
    q.push(message(0, 1));
    q.push(message(1, 1));
    q.push(message(2, 1));
    q.pop();
    q.drop_queued();
    EXPECT_TRUE(q.empty());
    q.push({.kind = event_kind::error});
    EXPECT_EQ(q.size(), 1u);
    EXPECT_EQ(q.pop()->kind, event_kind::error);
}

TEST(EventQueue, RecycleReusesCapacityOnlyWhenEverythingWasTaken) {
    event_queue q;
    for (std::size_t i = 0; i < 8; ++i) q.push(message(i, 1));
    const std::size_t cap = q.capacity();
    q.pop();
    q.recycle();  // seven still waiting: nothing moves
    EXPECT_EQ(q.size(), 7u);
    EXPECT_EQ(q.pop()->offset, 1u);
    while (q.pop()) {
    }
    q.recycle();
    EXPECT_EQ(q.capacity(), cap);
    for (std::size_t i = 0; i < 8; ++i) q.push(message(i, 1));
    EXPECT_EQ(q.capacity(), cap);  // no growth: the slots were reused
    EXPECT_EQ(q.pop()->offset, 0u);
}

}  // namespace
}  // namespace polywire::transport::detail
