// FaceIndex: add/remove on the main thread (they wait for running searches), search in a worker or synchronously.
#include "face_index_binding.h"

#include <cmath>
#include <limits>
#include <memory>

#include "face/face_index.h"
#include "workers.h"

namespace face {
namespace {

constexpr double max_safe_id = 9007199254740991.0;

int64_t to_id(const Napi::Value& v) {
  if (!v.IsNumber()) throw invalid_argument("Expected an id: a non-negative safe integer");
  double d = v.As<Napi::Number>().DoubleValue();
  if (!(d >= 0 && d <= max_safe_id) || d != std::floor(d)) throw invalid_argument("Expected an id: a non-negative safe integer");
  return int64_t(d);
}

// Checks a Float32Array of count*128 finite values.
const float* to_encodings(const Napi::Value& v, size_t count) {
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array)
    throw invalid_argument("Expected a Float32Array encoding of 128 values");
  auto array = v.As<Napi::Float32Array>();
  if (array.ElementLength() != count * face_index::dims)
    throw invalid_argument("Expected " + std::to_string(count * face_index::dims) + " values but received " +
                           std::to_string(array.ElementLength()));
  const float* data = array.Data();
  for (size_t i = 0; i < array.ElementLength(); ++i)
    if (!std::isfinite(data[i])) throw invalid_argument("Expected finite encoding values but found NaN or Infinity");
  return data;
}

struct search_args {
  std::vector<float> query;
  size_t k = 1;
  double max_distance = std::numeric_limits<double>::infinity();
};

search_args to_search_args(const Napi::CallbackInfo& info) {
  search_args args;
  const float* q = to_encodings(info[0], 1);
  args.query.assign(q, q + face_index::dims);
  if (info.Length() > 1 && info[1].IsObject()) {
    Napi::Object o = info[1].As<Napi::Object>();
    Napi::Value k = o.Get("k"), m = o.Get("maxDistance");
    if (!k.IsUndefined()) {
      double kd = k.IsNumber() ? k.As<Napi::Number>().DoubleValue() : -1;
      if (!(kd >= 1 && kd <= 10000) || kd != std::floor(kd)) throw invalid_argument("Expected k to be an integer from 1 to 10000");
      args.k = size_t(kd);
    }
    if (!m.IsUndefined()) {
      double md = m.IsNumber() ? m.As<Napi::Number>().DoubleValue() : -1;
      if (!(md >= 0)) throw invalid_argument("Expected maxDistance to be a non-negative number");
      args.max_distance = md;
    }
  }
  return args;
}

Napi::Array to_js(Napi::Env env, const std::vector<face_index::match>& matches) {
  Napi::Array out = Napi::Array::New(env, matches.size());
  for (size_t i = 0; i < matches.size(); ++i) {
    Napi::Object m = Napi::Object::New(env);
    m.Set("id", double(matches[i].id));
    m.Set("distance", matches[i].distance);
    out.Set(uint32_t(i), m);
  }
  return out;
}

class FaceIndex : public Napi::ObjectWrap<FaceIndex> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(
        env, "FaceIndex",
        {InstanceMethod("add", &FaceIndex::Add), InstanceMethod("addMany", &FaceIndex::AddMany),
         InstanceMethod("reserve", &FaceIndex::Reserve), InstanceMethod("remove", &FaceIndex::Remove),
         InstanceMethod("has", &FaceIndex::Has), InstanceMethod("clear", &FaceIndex::Clear), InstanceMethod("search", &FaceIndex::Search),
         InstanceMethod("searchSync", &FaceIndex::SearchSync), InstanceAccessor("size", &FaceIndex::Size, nullptr),
         InstanceAccessor("memoryBytes", &FaceIndex::MemoryBytes, nullptr)});
  }

  explicit FaceIndex(const Napi::CallbackInfo& info) : Napi::ObjectWrap<FaceIndex>(info), index_(std::make_shared<face_index>()) {}

 private:
  Napi::Value Add(const Napi::CallbackInfo& info) {
    return guarded(info, [&]() -> Napi::Value {
      int64_t id = to_id(info[0]);
      index_->add(id, to_encodings(info[1], 1));
      return info.Env().Undefined();
    });
  }

  Napi::Value AddMany(const Napi::CallbackInfo& info) {
    return guarded(info, [&]() -> Napi::Value {
      if (!info[0].IsArray() && !info[0].IsTypedArray()) throw invalid_argument("Expected an array of ids");
      Napi::Object list = info[0].As<Napi::Object>();
      uint32_t count = list.Get("length").ToNumber().Uint32Value();
      std::vector<int64_t> ids(count);
      for (uint32_t i = 0; i < count; ++i) ids[i] = to_id(list.Get(i));
      index_->add_many(ids.data(), to_encodings(info[1], count), count);
      return info.Env().Undefined();
    });
  }

  Napi::Value Reserve(const Napi::CallbackInfo& info) {
    return guarded(info, [&]() -> Napi::Value {
      const double n = info[0].IsNumber() ? info[0].As<Napi::Number>().DoubleValue() : -1;
      if (!(n >= 0 && n <= 100000000) || n != std::floor(n))
        throw invalid_argument("Expected a whole number of encodings from 0 to 100000000");
      index_->reserve(static_cast<size_t>(n));
      return info.Env().Undefined();
    });
  }

  Napi::Value Remove(const Napi::CallbackInfo& info) {
    return guarded(info, [&]() -> Napi::Value { return Napi::Boolean::New(info.Env(), index_->remove(to_id(info[0]))); });
  }

  Napi::Value Has(const Napi::CallbackInfo& info) {
    return guarded(info, [&]() -> Napi::Value { return Napi::Boolean::New(info.Env(), index_->contains(to_id(info[0]))); });
  }

  Napi::Value Clear(const Napi::CallbackInfo& info) {
    index_->clear();
    return info.Env().Undefined();
  }

  Napi::Value Search(const Napi::CallbackInfo& info) {
    return guarded(info, [&]() -> Napi::Value {
      auto args = std::make_shared<search_args>(to_search_args(info));
      auto index = index_;  // the worker keeps the index alive even if this object is collected
      return promise_worker<std::vector<face_index::match>>::start(
          info.Env(), [index, args] { return index->search(args->query.data(), args->k, args->max_distance); },
          [](Napi::Env env, std::vector<face_index::match>& matches) -> Napi::Value { return to_js(env, matches); });
    });
  }

  Napi::Value SearchSync(const Napi::CallbackInfo& info) {
    return guarded(info, [&]() -> Napi::Value {
      search_args args = to_search_args(info);
      return to_js(info.Env(), index_->search(args.query.data(), args.k, args.max_distance));
    });
  }

  Napi::Value Size(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), double(index_->size())); }
  Napi::Value MemoryBytes(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), double(index_->memory_bytes())); }

  std::shared_ptr<face_index> index_;
};

}  // namespace

void register_face_index(Napi::Env env, Napi::Object exports) { exports.Set("FaceIndex", FaceIndex::Define(env)); }

}  // namespace face
