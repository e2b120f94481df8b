/*
 * Stand-in for bcryptprimitives.dll, placed beside the Go peers' .exe files. Go >= 1.22 programs on Windows call
 * bcryptprimitives!ProcessPrng at start-up, which Wine 8 does not provide; this one fills the buffer from
 * RtlGenRandom (advapi32!SystemFunction036), which Wine has. Windows has the real DLL in system32 and does not
 * need this one.
 */
#include <windows.h>
#include <ntsecapi.h>

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG chunk = length > 0x40000000 ? 0x40000000 : (ULONG) length;
        if (!RtlGenRandom(data, chunk)) {
            return FALSE;
        }
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
