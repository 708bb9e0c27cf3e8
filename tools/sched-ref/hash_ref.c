/* Reference values of hash_32() and hsiphash() from the kernel's own C. */
#include "harness.h"
#include <linux/siphash.h>
u32 h32_unaligned(const void *data, size_t len, const hsiphash_key_t *key);
int main(void)
{
	u32 vals[] = { 0, 1, 0x0a000001, 0xc0a80102, 0xffffffff, 0x12345678 };
	unsigned bits[] = { 8, 10 };
	for (unsigned i = 0; i < 6; i++) for (unsigned j = 0; j < 2; j++)
		printf("hash_32(%#x, %u) = %#x\n", vals[i], bits[j], hash_32(vals[i], bits[j]));
	hsiphash_key_t k1 = {{ 2654435761UL, 2654435761UL }}, k2 = {{ 2654446892UL, 2654446892UL }};
	u32 vs[] = { 0, 0x0a000001 + 80, 0xc0a80102, 0xdeadbeef };
	for (unsigned i = 0; i < 4; i++) {
		u32 v = vs[i];
		printf("v=%#x h64k1=%#x h64k2=%#x h32k1=%#x\n", v, __hsiphash_unaligned(&v, 4, &k1),
		       __hsiphash_unaligned(&v, 4, &k2), h32_unaligned(&v, 4, &k1));
	}
	/* kunit self-check of the harness build */
	u8 in[64]; for (int i = 0; i < 64; i++) in[i] = i;
	hsiphash_key_t tk = {{ 0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL }}, tk32 = {{ 0x03020100U, 0x07060504U }};
	printf("kunit64[5]=%#x kunit32[5]=%#x kunit64[63]=%#x\n", __hsiphash_unaligned(in, 5, &tk), h32_unaligned(in, 5, &tk32), __hsiphash_unaligned(in, 63, &tk));
	return 0;
}
