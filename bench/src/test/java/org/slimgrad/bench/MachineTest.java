package org.slimgrad.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

/** What the report says about the processor, from /proc/cpuinfo's lines. */
class MachineTest {

    // the first processor of a two-vCPU virtual machine, as its /proc/cpuinfo lists it (flags shortened)
    private static final List<String> ZEN5_VM = List.of(
            "processor\t: 0",
            "vendor_id\t: AuthenticAMD",
            "cpu family\t: 26",
            "model\t\t: 2",
            "model name\t: AMD EPYC",
            "flags\t\t: fpu sse sse2 ht pni ssse3 fma cx16 sse4_1 sse4_2 movbe avx f16c avx2 bmi2 avx512f avx512dq"
                    + " avx512ifma avx512cd avx512bw avx512vl avx512_bf16 avx512vbmi vaes avx512_vnni",
            "",
            "processor\t: 1",
            "model name\t: another");

    @Test
    void namesTheModelWithItsFamilyAndModelNumbers() {
        assertEquals("AMD EPYC (family 26, model 2)", Machine.cpuModel(ZEN5_VM));
        assertEquals(System.getProperty("os.arch"), Machine.cpuModel(List.of()), "no cpuinfo: the architecture");
    }

    @Test
    void keepsEveryVectorFlagInOrderAndNothingElse() {
        assertEquals("sse sse2 ssse3 fma sse4_1 sse4_2 avx f16c avx2 avx512f avx512dq avx512ifma avx512cd avx512bw"
                + " avx512vl avx512_bf16 avx512vbmi avx512_vnni", Machine.vectorFlags(ZEN5_VM));
        assertEquals("unknown", Machine.vectorFlags(List.of("processor\t: 0")));
    }
}
