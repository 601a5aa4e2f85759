/*
 * glibc malloc controls for the gateway: mallopt(M_MMAP_THRESHOLD) and malloc_trim(), which Node
 * does not expose (server/src/malloc-tuning.ts says why the gateway needs them). glibc reads
 * MALLOC_MMAP_THRESHOLD_ only from the environment at process start, which `npm start` cannot set
 * portably; mallopt() sets it at run time. Elsewhere (musl) every function reports that it did
 * nothing.
 */
#include <node_api.h>
#include <stdlib.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

/* setMmapThreshold(bytes) -> true when glibc took it (and stopped adjusting it by itself). */
static napi_value SetMmapThreshold(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value arg, result;
  int32_t bytes = 0;
  int ok = 0;
  napi_get_cb_info(env, info, &argc, &arg, NULL, NULL);
  if (argc == 1 && napi_get_value_int32(env, arg, &bytes) == napi_ok && bytes > 0) {
#if defined(__GLIBC__)
    ok = mallopt(M_MMAP_THRESHOLD, bytes) == 1;
#endif
  }
  napi_get_boolean(env, ok, &result);
  return result;
}

/*
 * trim() -> Promise<boolean>: malloc_trim(0) on a libuv pool thread, true when glibc gave memory
 * back. It walks every arena's free lists and takes 10-60 ms on a busy gateway, too long for the
 * event loop; it is thread-safe and holds one arena's lock at a time.
 */
typedef struct {
  napi_async_work work;
  napi_deferred deferred;
  int released;
} TrimJob;

static void TrimExecute(napi_env env, void *data) {
  TrimJob *job = (TrimJob *)data;
  (void)env;
#if defined(__GLIBC__)
  job->released = malloc_trim(0);
#endif
}

static void TrimComplete(napi_env env, napi_status status, void *data) {
  TrimJob *job = (TrimJob *)data;
  napi_value result;
  napi_get_boolean(env, status == napi_ok && job->released, &result);
  napi_resolve_deferred(env, job->deferred, result);
  napi_delete_async_work(env, job->work);
  free(job);
}

static napi_value Trim(napi_env env, napi_callback_info info) {
  napi_value promise, name;
  TrimJob *job = (TrimJob *)calloc(1, sizeof(TrimJob));
  (void)info;
  if (job == NULL) {
    napi_throw_error(env, NULL, "malloc_trim: out of memory");
    return NULL;
  }
  napi_create_promise(env, &job->deferred, &promise);
  napi_create_string_utf8(env, "malloc_trim", NAPI_AUTO_LENGTH, &name);
  napi_create_async_work(env, NULL, name, TrimExecute, TrimComplete, job, &job->work);
  napi_queue_async_work(env, job->work);
  return promise;
}

/* available() -> whether this build has glibc's malloc controls at all. */
static napi_value Available(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value result;
#if defined(__GLIBC__)
  napi_get_boolean(env, 1, &result);
#else
  napi_get_boolean(env, 0, &result);
#endif
  return result;
}

static napi_value Init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"setMmapThreshold", NULL, SetMmapThreshold, NULL, NULL, NULL, napi_default, NULL},
      {"trim", NULL, Trim, NULL, NULL, NULL, napi_default, NULL},
      {"available", NULL, Available, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
