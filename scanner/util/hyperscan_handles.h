// RAII for Hyperscan's C handles: each owned pointer is freed by its own hs_free_* call.
#pragma once

#include <hs/hs.h>

#include <memory>

namespace leakgate {

struct HsDatabaseFree {
  void operator()(hs_database_t* p) const noexcept { hs_free_database(p); }
};
struct HsScratchFree {
  void operator()(hs_scratch_t* p) const noexcept { hs_free_scratch(p); }
};
struct HsCompileErrorFree {
  void operator()(hs_compile_error_t* p) const noexcept { hs_free_compile_error(p); }
};
struct HsExprInfoFree {
  // hs_expression_info allocates with the misc allocator, which defaults to malloc.
  void operator()(hs_expr_info_t* p) const noexcept { std::free(p); }
};

using HsDatabase = std::unique_ptr<hs_database_t, HsDatabaseFree>;
using HsScratch = std::unique_ptr<hs_scratch_t, HsScratchFree>;
using HsCompileError = std::unique_ptr<hs_compile_error_t, HsCompileErrorFree>;
using HsExprInfo = std::unique_ptr<hs_expr_info_t, HsExprInfoFree>;

}  // namespace leakgate
