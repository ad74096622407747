// Linked only into ThreadSanitizer builds (CMakeLists.txt). librdkafka starts its threads with
// C11 thrd_create, which glibc implements without passing through pthread_create, the call
// TSan intercepts to set up a thread's state: the first malloc on such a thread crashes the
// process (seen as SIGSEGV in __tsan::user_alloc on an "rdk:broker" thread). Defined in the
// executable, this thrd_create takes precedence over glibc's for librdkafka and starts the
// thread through pthread_create. glibc's thrd_t is a pthread_t and its thrd_join/thrd_exit
// pass the int result through pthread's void*; thrd_join and thrd_detach are routed through
// pthread too, so TSan sees the threads end. librdkafka's own memory traffic (uninstrumented,
// synchronised by C11 mutexes TSan cannot see) is left out by librdkafka.supp.
#include <pthread.h>
#include <threads.h>

#include <cstdint>
#include <new>

namespace {

struct Start {
  thrd_start_t fn;
  void* arg;
};

void* run(void* p) {
  Start s = *static_cast<Start*>(p);
  delete static_cast<Start*>(p);
  return reinterpret_cast<void*>(static_cast<intptr_t>(s.fn(s.arg)));
}

}  // namespace

extern "C" int thrd_create(thrd_t* thr, thrd_start_t fn, void* arg) {
  auto* s = new (std::nothrow) Start{fn, arg};
  if (s == nullptr) return thrd_nomem;
  int rc = pthread_create(thr, nullptr, run, s);
  if (rc == 0) return thrd_success;
  delete s;
  return thrd_error;
}

extern "C" int thrd_join(thrd_t thr, int* res) {
  void* out = nullptr;
  if (pthread_join(thr, &out) != 0) return thrd_error;
  if (res != nullptr) *res = static_cast<int>(reinterpret_cast<intptr_t>(out));
  return thrd_success;
}

extern "C" int thrd_detach(thrd_t thr) { return pthread_detach(thr) == 0 ? thrd_success : thrd_error; }
