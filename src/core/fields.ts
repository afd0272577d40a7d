/**
 * Initial values for number fields on the per-packet path.
 */

/**
 * Initial value of a number field that later holds values beyond V8's small integers
 * (timestamps in microseconds, 32-bit sequence numbers): `-0` is a double, so the field is a
 * double field from its object's creation. A field created with `0` (a small integer) that later
 * receives a large value changes representation, and V8 then deoptimises every optimised function
 * that reads it, and recompiles it later (in the bench capture: 4 such deoptimisations, of the
 * packet timestamp, the segment's sequence numbers, a direction's next sequence number and ISN).
 * `-0` equals `0` in every comparison and sum, and prints as `0`.
 */
export const DOUBLE_ZERO = -0;
