-- include/splio_sms_ffi.h as is in LuaJIT's ffi.cdef (run by bindings/php/tests/run.sh):
-- luajit tests/ffi_header.lua include/splio_sms_ffi.h libsplio_sms.so
local ffi = require("ffi")
local header = io.open(arg[1]):read("*a")
ffi.cdef(header)
local lib = ffi.load(arg[2])
local out = ffi.new("char*[1]")
local status = lib.splio_validate('{"message":"AbCdEf123","rcpts":[{"cellphone":"Zoé"}]}', out)
local document = ffi.string(out[0])
lib.splio_string_free(out[0])
local checks = {
  status == lib.SPLIO_ERR_VALIDATION,
  ffi.string(lib.splio_status_name(status)) == "SPLIO_ERR_VALIDATION",
  document:find('"path":"rcpts[0].cellphone"', 1, true) ~= nil,
  ffi.string(lib.splio_version()):match("^%d+%.%d+%.%d+") ~= nil,
}
local failed = 0
for i, ok in ipairs(checks) do
  if not ok then failed = failed + 1; print("FAIL check " .. i .. ": " .. document) end
end
print(string.format("luajit ffi.cdef: %d passed, %d failed", #checks - failed, failed))
os.exit(failed == 0 and 0 or 1)
