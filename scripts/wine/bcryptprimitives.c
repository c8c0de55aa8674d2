/*
 * A stand-in bcryptprimitives.dll for Debian 12's Wine 8.0, which lacks it.
 * Go >= 1.22 programs take their random numbers from ProcessPrng in
 * bcryptprimitives.dll (present on every Windows 10 and 11) and stop at
 * start-up without it. This forwards to RtlGenRandom (advapi32's
 * SystemFunction036), which Wine has. Used only by scripts/check-windows.sh
 * to run the cross-built station CLI under Wine in CI; never shipped.
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
	while (len > 0) {
		ULONG n = len > 0x40000000 ? 0x40000000 : (ULONG)len;
		if (!SystemFunction036(data, n))
			return FALSE;
		data += n;
		len -= n;
	}
	return TRUE;
}
