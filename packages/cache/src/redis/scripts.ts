/** Lua run atomically by Redis/Valkey. Each script touches one key or one hash slot (cluster-safe). */

/** KEYS[1] lock · ARGV[1] token. Deletes the lock only if we still own it. */
export const UNLOCK = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/**
 * KEYS[1] global sequence, KEYS[2..] tag stamps (all in one `{…}` hash slot) · ARGV[1] retention ms.
 * Returns the new sequence; every tag is stamped with it.
 */
export const INVALIDATE = `
local seq = redis.call('INCR', KEYS[1])
for i = 2, #KEYS do redis.call('SET', KEYS[i], seq, 'PX', ARGV[1]) end
return seq`;

/**
 * KEYS[1] record hash · ARGV[1] ttl ms, ARGV[2] '1' for fill, ARGV[3] a random token of this
 * call, then (field, version, bytes) triples.
 * Hash layout: 'v:<field>' version, 'd:<field>' encoded value, 'm' present marker (set by fill),
 * 'g' the generation: the token of the last call that changed something. Random per call, so a
 * re-created hash, or a replica promoted without the last write, never repeats a generation.
 * Returns { applied fields, ignored fields }.
 */
export const APPLY_RECORDS = `
local key = KEYS[1]
local applied, ignored = {}, {}
for i = 4, #ARGV, 3 do
  local field = ARGV[i]
  local current = redis.call('HGET', key, 'v:' .. field)
  if current and tonumber(current) >= tonumber(ARGV[i + 1]) then
    ignored[#ignored + 1] = field
  else
    redis.call('HSET', key, 'v:' .. field, ARGV[i + 1], 'd:' .. field, ARGV[i + 2])
    applied[#applied + 1] = field
  end
end
if #applied > 0 or ARGV[2] == '1' then
  redis.call('HSET', key, 'g', ARGV[3])
end
if ARGV[2] == '1' then
  redis.call('HSET', key, 'm', '1')
  redis.call('PEXPIRE', key, ARGV[1])
elseif redis.call('PTTL', key) == -1 then
  redis.call('PEXPIRE', key, ARGV[1])
end
return { applied, ignored }`;
