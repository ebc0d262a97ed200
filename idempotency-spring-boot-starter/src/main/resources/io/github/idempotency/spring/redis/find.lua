-- Reads the record in force for KEYS[1] (or for KEYS[2], the key of an earlier version of the store, when given):
-- an ongoing record whose lease ran out counts as absent.
-- Returns the record, or nil. A record that cannot be parsed is returned as is, never hidden.
-- (runs after record-prelude.lua)
local current = get()
if not current then
	return nil
end
local state, deadline = parse(current)
if state ~= nil and deadline <= clock() then
	return nil
end
return current
