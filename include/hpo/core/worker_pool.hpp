#pragma once
// Threads that run tasks handed to them and give back each result as it is ready.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <stop_token>
#include <thread>
#include <utility>
#include <vector>

namespace hpo::detail {

/// A fixed set of std::jthread workers: submit() queues a task, wait_one() returns the result of
/// whichever task finishes next (in completion order). Tasks must not throw (wrap them). The
/// destructor lets running tasks finish and joins. Thread-safe for one submitting thread.
/// Usage: `WorkerPool<int> pool(4); pool.submit([] { return 1; }); int r = pool.wait_one();`
template <class Result>
class WorkerPool {
 public:
  explicit WorkerPool(std::size_t threads) {
    workers_.reserve(threads);
    for (std::size_t i = 0; i < threads; ++i) workers_.emplace_back([this](std::stop_token stop) { work(stop); });
  }

  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  ~WorkerPool() {
    for (auto& worker : workers_) worker.request_stop();
    work_ready_.notify_all();
    workers_.clear();  // joins
  }

  void submit(std::function<Result()> task) {
    {
      std::lock_guard lock(mutex_);
      tasks_.push_back(std::move(task));
    }
    work_ready_.notify_one();
  }

  /// Like wait_one(), but gives up after `timeout`: std::nullopt then.
  template <class Rep, class Period>
  std::optional<Result> wait_one_for(std::chrono::duration<Rep, Period> timeout) {
    std::unique_lock lock(mutex_);
    if (!result_ready_.wait_for(lock, timeout, [this] { return !results_.empty(); })) return std::nullopt;
    Result result = std::move(results_.front());
    results_.pop_front();
    return result;
  }

  /// Blocks until a task has finished, and returns its result.
  Result wait_one() {
    std::unique_lock lock(mutex_);
    result_ready_.wait(lock, [this] { return !results_.empty(); });
    Result result = std::move(results_.front());
    results_.pop_front();
    return result;
  }

 private:
  void work(std::stop_token stop) {
    for (;;) {
      std::function<Result()> task;
      {
        std::unique_lock lock(mutex_);
        work_ready_.wait(lock, stop, [this] { return !tasks_.empty(); });
        if (tasks_.empty()) return;  // stop requested with nothing left
        task = std::move(tasks_.front());
        tasks_.pop_front();
      }
      Result result = task();
      {
        std::lock_guard lock(mutex_);
        results_.push_back(std::move(result));
      }
      result_ready_.notify_one();
    }
  }

  std::mutex mutex_;
  std::condition_variable_any work_ready_;
  std::condition_variable result_ready_;
  std::deque<std::function<Result()>> tasks_;
  std::deque<Result> results_;
  std::vector<std::jthread> workers_;  // last: joined before the queues go
};

}  // namespace hpo::detail
