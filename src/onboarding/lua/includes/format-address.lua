-- An IPv4 address from its 32-bit number.
local function fmt(a)
  return string.format(
    '%d.%d.%d.%d',
    math.floor(a / 16777216) % 256, math.floor(a / 65536) % 256, math.floor(a / 256) % 256, a % 256
  )
end
