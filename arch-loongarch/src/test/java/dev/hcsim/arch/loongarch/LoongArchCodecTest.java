package dev.hcsim.arch.loongarch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.hcsim.core.Bytes;
import dev.hcsim.core.asm.AsmException;
import dev.hcsim.core.asm.Assembler;
import dev.hcsim.core.spi.Instruction;
import java.util.Locale;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The codec against GNU binutils 2.40 (built from Debian 12's binutils-source for
 * loongarch64-linux-gnu): every golden below was produced by {@code loongarch64-linux-gnu-as} and
 * {@code loongarch64-linux-gnu-objdump -d} (through /work/shared/tools/objdump-oracle.sh -w -i, which
 * disassembles raw words at address 0 and collapses whitespace). binutils 2.40 predates hvcl (it
 * prints 0x002b8100 as a bare word); hvcl's golden is the reg0i15 layout its neighbour syscall shows.
 */
class LoongArchCodecTest {
    private static final LoongArchCodec CODEC = LoongArchCodec.INSTANCE;

    private static String words(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < b.length; i += 4) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(String.format(Locale.ROOT, "%08x", Bytes.get(b, i, 4, false)));
        }
        return sb.toString();
    }

    private static byte[] le(int w) {
        byte[] b = new byte[4];
        Bytes.put(b, 0, 4, w, false);
        return b;
    }

    @ParameterizedTest(name = "as: {0} -> {1}")
    @DisplayName("every form assembles to the words GNU as 2.40 emits")
    @CsvSource(delimiter = '|', value = {
        "cpucfg $a0, $a1 | 00006ca4",
        "cpucfg $t0, $zero | 00006c0c",
        "cpucfg $s8, $r21 | 00006ebf",
        "idle 0 | 06488000",
        "idle 0x7fff | 0648ffff",
        "nop | 03400000",
        "move $a0, $a1 | 001500a4",
        "move $r4, $r5 | 001500a4",
        "or $a0, $a1, $a2 | 001518a4",
        "or $t8, $fp, $s0 | 00155ed4",
        "lu12i.w $a0, 0x12345 | 142468a4",
        "lu12i.w $a0, -1 | 15ffffe4",
        "lu12i.w $s0, -524288 | 15000017",
        "lu12i.w $s0, 524287 | 14fffff7",
        "lu32i.d $a0, -524288 | 17000004",
        "lu32i.d $a0, 0 | 16000004",
        "lu52i.d $a0, $a0, 0x7ff | 031ffc84",
        "lu52i.d $a0, $zero, -2048 | 03200004",
        "ori $a0, $a0, 0xfff | 03bffc84",
        "ori $a0, $zero, 0 | 03800004",
        "andi $zero, $zero, 0 | 03400000",
        "andi $a1, $a2, 4095 | 037ffcc5",
        "addi.w $a0, $zero, -1 | 02bffc04",
        "addi.w $a0, $a0, 2047 | 029ffc84",
        "addi.d $sp, $sp, -16 | 02ffc063",
        "addi.d $a0, $a0, -2048 | 02e00084",
        "ld.b $a0, $a1, -2048 | 282000a4",
        "ld.h $a0, $a1, 2 | 284008a4",
        "ld.w $a0, $a1, 4 | 288010a4",
        "ld.d $a0, $a1, 8 | 28c020a4",
        "ld.d $t0, $sp, 2047 | 28dffc6c",
        "st.b $a0, $a1, 0 | 290000a4",
        "st.h $a0, $a1, 2 | 294008a4",
        "st.w $a0, $a1, 4 | 298010a4",
        "st.d $a0, $a1, 2047 | 29dffca4",
        "st.d $ra, $sp, -8 | 29ffe061",
        "csrrd $a0, 0x20 | 04008004",
        "csrrd $t1, 0x3fff | 04fffc0d",
        "csrrd $t1, 0 | 0400000d",
        "beq $a0, $a1, 0 | 58000085",
        "beq $a0, $a1, 0x20 | 58002085",
        "beq $a0, $a1, -131072 | 5a000085",
        "beq $a0, $a1, 131068 | 59fffc85",
        "bne $t0, $zero, -4 | 5ffffd80",
        "blt $a0, $a1, 8 | 60000885",
        "bge $s0, $s1, -12 | 67fff6f8",
        "beqz $a0, -16 | 43fff09f",
        "beqz $a0, 4194300 | 43fffc8f",
        "beqz $a0, -4194304 | 40000090",
        "bnez $t1, 1024 | 440401a0",
        "b 0 | 50000000",
        "b -24 | 53ffebff",
        "b 134217724 | 53fffdff",
        "b -134217728 | 50000200"
    })
    void assemblesLikeGnuAs(String source, String expected) {
        assertEquals(expected, words(Assembler.assemble(CODEC, source, 0).bytes()));
    }

    @ParameterizedTest(name = "as: {0} -> {1}")
    @DisplayName("li.w / li.d expand exactly as gas/config/tc-loongarch.c assember_macro_helper does (GNU as 2.40)")
    @CsvSource(delimiter = '|', value = {
        "li.d $a0, 0x0 | 00150004",
        "li.w $t1, 0x0 | 0015000d",
        "li.d $a0, 0x1 | 03800404",
        "li.w $t1, 0x1 | 0380040d",
        "li.d $a0, 0xffffffffffffffff | 02bffc04",
        "li.w $t1, 0xffffffff | 02bffc0d",
        "li.d $a0, 0x7ff | 039ffc04",
        "li.w $t1, 0x7ff | 039ffc0d",
        "li.d $a0, 0x800 | 03a00004",
        "li.w $t1, 0x800 | 03a0000d",
        "li.d $a0, 0xfff | 03bffc04",
        "li.w $t1, 0xfff | 03bffc0d",
        "li.d $a0, 0x1000 | 14000024",
        "li.w $t1, 0x1000 | 1400002d",
        "li.d $a0, 0xfffffffffffff800 | 02a00004",
        "li.w $t1, 0xfffff800 | 02a0000d",
        "li.d $a0, 0xfffffffffffff7ff | 15ffffe4 039ffc84",
        "li.w $t1, 0xfffff7ff | 15ffffed 039ffdad",
        "li.d $a0, 0x12345000 | 142468a4",
        "li.w $t1, 0x12345000 | 142468ad",
        "li.d $a0, 0x12345678 | 142468a4 0399e084",
        "li.w $t1, 0x12345678 | 142468ad 0399e1ad",
        "li.d $a0, 0x7fffffff | 14ffffe4 03bffc84",
        "li.w $t1, 0x7fffffff | 14ffffed 03bffdad",
        "li.d $a0, 0xffffffff80000000 | 15000004",
        "li.w $t1, 0x80000000 | 1500000d",
        "li.d $a0, 0x80000000 | 15000004 16000004",
        "li.w $t1, 0x80000000 | 1500000d",
        "li.d $a0, 0xffffffff | 02bffc04 16000004",
        "li.w $t1, 0xffffffff | 02bffc0d",
        "li.d $a0, 0x100000000 | 00150004 16000024",
        "li.d $a0, 0xfffffffffffff800 | 02a00004",
        "li.w $t1, 0xfffff800 | 02a0000d",
        "li.d $a0, 0x8000000000000000 | 03200004",
        "li.d $a0, 0x7fffffffffffffff | 02bffc04 031ffc84",
        "li.d $a0, 0x123456789abcdef0 | 153579a4 03bbc084 168acf04 03048c84",
        "li.d $a0, 0xfff0000000000000 | 033ffc04",
        "li.d $a0, 0xfffffffffffff | 02bffc04 03000084",
        "li.d $a0, 0xffffffff00000000 | 00150004 17ffffe4",
        "li.w $t1, 0x0 | 0015000d",
        "li.w $t1, 0x40000000 | 1480000d",
        "li.d $a0, 0x4d564b | 14009aa4 03992c84",
        "li.d $a0, 0x8000000000000 | 00150004 17000004 03000084",
        "li.d $a0, 0xf2a000 | 1401e544",
        "li.d $a0, 0xfff00000000 | 00150004 1601ffe4",
        "li.w $t1, 0x99950d8 | 141332ad 038361ad",
        "li.d $a0, 0x80000000 | 15000004 16000004",
        "li.w $t1, 0xfff00000 | 15ffe00d",
        "li.d $a0, 0x3898d190f9ebdacc | 15f3d7a4 03ab3084 171a3204 030e2484",
        "li.w $t1, 0x4a23d596 | 149447ad 039659ad",
        "li.d $a0, 0xfffffffffffffe5a | 02b96804",
        "li.d $a0, 0x18f | 03863c04",
        "li.d $a0, 0x7f150524 | 14fe2a04 03949084",
        "li.d $a0, 0x7730000000000000 | 031dcc04",
        "li.d $a0, 0xb2f14c94 | 1565e284 03b25084 16000004",
        "li.w $t1, 0x14f4733f | 1429e8ed 038cfdad",
        "li.d $a0, 0xfffffcfc49b64000 | 14936c84 17ff9f84",
        "li.d $a0, 0xeeeacbe2 | 15ddd584 03af8884 16000004",
        "li.d $a0, 0xffffffffffffffe8 | 02bfa004",
        "li.d $a0, 0xb1f00000000 | 00150004 160163e4",
        "li.d $a0, 0xfffff0fe119a7280 | 142334e4 038a0084 17fe1fc4",
        "li.d $a0, 0xb394fb36bb2d420f | 15765a84 03883c84 169f66c4 032ce484",
        "li.d $a0, 0xfffffffffffd1ca9 | 15fffa24 03b2a484",
        "li.d $a0, 0xf17a3007e62aa0a | 14fcc544 03a82884 16f46004 0303c484",
        "li.d $a0, 0x211000 | 14004224",
        "li.d $a0, 0xfffffb1a14a0f8c0 | 142941e4 03a30084 17ff6344",
        "li.w $t1, 0xd1bc52d9 | 15a378ad 038b65ad",
        "li.w $t1, 0xf81bb726 | 15f0376d 039c99ad",
        "li.w $t1, 0x26a2c0bd | 144d458d 0382f5ad",
        "li.w $t1, 0xa8948c89 | 1551290d 03b225ad",
        "li.d $a0, 0xfffffc5fd4c28c04 | 15a98504 03b01084 17ff8be4",
        "li.d $a0, 0x6b4013ef | 14d68024 038fbc84",
        "li.d $a0, 0x80000000 | 15000004 16000004",
        "li.d $a0, 0xfffffffffffffff9 | 02bfe404",
        "li.d $a0, 0xfffff82c64e50809 | 14c9ca04 03a02484 17ff0584",
        "li.d $a0, 0x113db17d | 14227b64 0385f484",
        "li.w $t1, 0x70ccec31 | 14e199cd 03b0c5ad",
        "li.d $a0, 0x99c | 03a67004",
        "li.d $a0, 0x895fd7b3 | 1512bfa4 039ecc84 16000004",
        "li.d $a0, 0xfff | 03bffc04",
        "li.w $t1, 0x9d33a01c | 153a674d 038071ad",
        "li.d $a0, 0xfffffec31f72922a | 143ee524 0388a884 17ffd864",
        "li.d $a0, 0x1a28f7b3 | 143451e4 039ecc84",
        "li.w $t1, 0xffd09e16 | 15ffa12d 03b859ad",
        "li.d $a0, 0xfff00000 | 15ffe004 16000004",
        "li.w $t1, 0x80000000 | 1500000d",
        "li.d $a0, 0x800 | 03a00004",
        "li.w $t1, 0xfffef695 | 15fffded 039a55ad",
        "li.d $a0, 0xc59000 | 14018b24",
        "li.d $a0, 0xa2e000 | 140145c4",
        "li.d $a0, 0xfffff6fdbd685047 | 157ad0a4 03811c84 17fedfa4",
        "li.d $a0, 0xfffff3f55b062588 | 14b60c44 03962084 17fe7ea4",
        "li.d $a0, 0x8000000000000 | 00150004 17000004 03000084",
        "li.d $a0, 0x149000 | 14002924",
        "li.d $a0, 0x5675f6ad | 14acebe4 039ab484",
        "li.w $t1, 0x7b8f2ab5 | 14f71e4d 03aad5ad",
        "li.d $a0, 0xfffff1b9e8c14242 | 15d18284 03890884 17fe3724",
        "li.d $a0, 0xffffffffffffff18 | 02bc6004",
        "li.d $a0, 0x7a605a91 | 14f4c0a4 03aa4484",
        "li.w $t1, 0x6f15b6ad | 14de2b6d 039ab5ad",
        "li.d $a0, 0xfffffffffe25b93f | 15fc4b64 03a4fc84",
        "li.d $a0, 0xfffffffffffffea4 | 02ba9004",
        "li.w $t1, 0x70d7109 | 140e1aed 038425ad",
        "li.d $a0, 0xfffff29bce76e9a0 | 159cedc4 03a68084 17fe5364"
    })
    void liExpandsLikeGnuAs(String source, String expected) {
        assertEquals(expected, words(Assembler.assemble(CODEC, source, 0).bytes()));
    }

    @ParameterizedTest(name = "objdump @{0}: {1} -> {2}")
    @DisplayName("every form disassembles to GNU objdump 2.40's text (whitespace collapsed), branch targets included")
    @CsvSource(delimiter = '|', value = {
        "0x0 | 00006ca4 | cpucfg $a0, $a1",
        "0x0 | 00006c0c | cpucfg $t0, $zero",
        "0x0 | 00006ebf | cpucfg $s8, $x",
        "0x0 | 06488000 | idle 0x0",
        "0x0 | 0648ffff | idle 0x7fff",
        "0x0 | 03400000 | andi $zero, $zero, 0x0",
        "0x0 | 001500a4 | move $a0, $a1",
        "0x0 | 001500a4 | move $a0, $a1",
        "0x0 | 001518a4 | or $a0, $a1, $a2",
        "0x0 | 00155ed4 | or $t8, $fp, $s0",
        "0x0 | 142468a4 | lu12i.w $a0, 74565(0x12345)",
        "0x0 | 15ffffe4 | lu12i.w $a0, -1(0xfffff)",
        "0x0 | 15000017 | lu12i.w $s0, -524288(0x80000)",
        "0x0 | 14fffff7 | lu12i.w $s0, 524287(0x7ffff)",
        "0x0 | 17000004 | lu32i.d $a0, -524288(0x80000)",
        "0x0 | 16000004 | lu32i.d $a0, 0",
        "0x0 | 031ffc84 | lu52i.d $a0, $a0, 2047(0x7ff)",
        "0x0 | 03200004 | lu52i.d $a0, $zero, -2048(0x800)",
        "0x0 | 03bffc84 | ori $a0, $a0, 0xfff",
        "0x0 | 03800004 | ori $a0, $zero, 0x0",
        "0x0 | 03400000 | andi $zero, $zero, 0x0",
        "0x0 | 037ffcc5 | andi $a1, $a2, 0xfff",
        "0x0 | 02bffc04 | addi.w $a0, $zero, -1(0xfff)",
        "0x0 | 029ffc84 | addi.w $a0, $a0, 2047(0x7ff)",
        "0x0 | 02ffc063 | addi.d $sp, $sp, -16(0xff0)",
        "0x0 | 02e00084 | addi.d $a0, $a0, -2048(0x800)",
        "0x0 | 282000a4 | ld.b $a0, $a1, -2048(0x800)",
        "0x0 | 284008a4 | ld.h $a0, $a1, 2(0x2)",
        "0x0 | 288010a4 | ld.w $a0, $a1, 4(0x4)",
        "0x0 | 28c020a4 | ld.d $a0, $a1, 8(0x8)",
        "0x0 | 28dffc6c | ld.d $t0, $sp, 2047(0x7ff)",
        "0x0 | 290000a4 | st.b $a0, $a1, 0",
        "0x0 | 294008a4 | st.h $a0, $a1, 2(0x2)",
        "0x0 | 298010a4 | st.w $a0, $a1, 4(0x4)",
        "0x0 | 29dffca4 | st.d $a0, $a1, 2047(0x7ff)",
        "0x0 | 29ffe061 | st.d $ra, $sp, -8(0xff8)",
        "0x0 | 04008004 | csrrd $a0, 0x20",
        "0x0 | 04fffc0d | csrrd $t1, 0x3fff",
        "0x0 | 0400000d | csrrd $t1, 0x0",
        "0x0 | 58000085 | beq $a0, $a1, 0 # 0x0",
        "0x0 | 58002085 | beq $a0, $a1, 32(0x20) # 0x20",
        "0x0 | 5a000085 | beq $a0, $a1, -131072(0x20000) # 0xfffffffffffe0000",
        "0x0 | 59fffc85 | beq $a0, $a1, 131068(0x1fffc) # 0x1fffc",
        "0x0 | 5ffffd80 | bne $t0, $zero, -4(0x3fffc) # 0xfffffffffffffffc",
        "0x0 | 60000885 | blt $a0, $a1, 8(0x8) # 0x8",
        "0x0 | 67fff6f8 | bge $s0, $s1, -12(0x3fff4) # 0xfffffffffffffff4",
        "0x0 | 43fff09f | beqz $a0, -16(0x7ffff0) # 0xfffffffffffffff0",
        "0x0 | 43fffc8f | beqz $a0, 4194300(0x3ffffc) # 0x3ffffc",
        "0x0 | 40000090 | beqz $a0, -4194304(0x400000) # 0xffffffffffc00000",
        "0x0 | 440401a0 | bnez $t1, 1024(0x400) # 0x400",
        "0x0 | 50000000 | b 0 # 0x0",
        "0x0 | 53ffebff | b -24(0xfffffe8) # 0xffffffffffffffe8",
        "0x0 | 53fffdff | b 134217724(0x7fffffc) # 0x7fffffc",
        "0x0 | 50000200 | b -134217728(0x8000000) # 0xfffffffff8000000",
        "0x4 | 00006ef7 | cpucfg $s0, $s0",
        "0x8 | 0648bbe1 | idle 0x3be1",
        "0xc | 00154028 | or $a4, $ra, $t4",
        "0x10 | 02883ce4 | addi.w $a0, $a3, 527(0x20f)",
        "0x14 | 02ebbb4b | addi.d $a7, $s3, -1298(0xaee)",
        "0x18 | 032e9d83 | lu52i.d $sp, $t0, -1113(0xba7)",
        "0x1c | 036c856d | andi $t1, $a7, 0xb21",
        "0x20 | 03a16abe | ori $s7, $x, 0x85a",
        "0x24 | 28210c9a | ld.b $s3, $a0, -1981(0x843)",
        "0x28 | 284367bd | ld.h $s6, $s6, 217(0xd9)",
        "0x2c | 288597dc | ld.w $s5, $s7, 357(0x165)",
        "0x30 | 28e88e99 | ld.d $s2, $t8, -1501(0xa23)",
        "0x34 | 29335c88 | st.b $a4, $a0, -809(0xcd7)",
        "0x38 | 29576cf8 | st.h $s1, $a3, 1499(0x5db)",
        "0x3c | 29bfbe20 | st.w $zero, $t5, -17(0xfef)",
        "0x40 | 29f20011 | st.d $t5, $zero, -896(0xc80)",
        "0x44 | 15185754 | lu12i.w $t8, -474438(0x8c2ba)",
        "0x48 | 166c400f | lu32i.d $t3, 221696(0x36200)",
        "0x4c | 0488a003 | csrrd $sp, 0x2228",
        "0x50 | 5b5910f1 | beq $a3, $t5, -42736(0x35910) # 0xffffffffffff5960",
        "0x54 | 5ee6bc6f | bne $sp, $t3, -72004(0x2e6bc) # 0xfffffffffffee710",
        "0x58 | 63bddf55 | blt $s3, $x, -16932(0x3bddc) # 0xffffffffffffbe34",
        "0x5c | 6496b883 | bge $a0, $sp, 38584(0x96b8) # 0x9714",
        "0x60 | 43f9d9d6 | beqz $t2, -2360872(0x5bf9d8) # 0xffffffffffdbfa38",
        "0x64 | 463dd852 | bnez $tp, -3523112(0x4a3dd8) # 0xffffffffffca3e3c",
        "0x68 | 52f60bdc | b -9243128(0xf72f608) # 0xffffffffff72f670",
        "0x70 | 00006d16 | cpucfg $fp, $a4",
        "0x74 | 0648c78c | idle 0x478c",
        "0x78 | 001500f4 | move $t8, $a3",
        "0x7c | 029b5949 | addi.w $a5, $a6, 1750(0x6d6)",
        "0x80 | 02f353dd | addi.d $s6, $s7, -812(0xcd4)",
        "0x84 | 032b571a | lu52i.d $s3, $s1, -1323(0xad5)",
        "0x88 | 03727ff2 | andi $t6, $s8, 0xc9f",
        "0x8c | 03bb347f | ori $s8, $sp, 0xecd",
        "0x90 | 28167999 | ld.b $s2, $t0, 1438(0x59e)",
        "0x94 | 285d95fa | ld.h $s3, $t3, 1893(0x765)",
        "0x98 | 28a1a432 | ld.w $t6, $ra, -1943(0x869)",
        "0x9c | 28f02cd9 | ld.d $s2, $a2, -1013(0xc0b)",
        "0xa0 | 2913e997 | st.b $s0, $t0, 1274(0x4fa)",
        "0xa4 | 29446c02 | st.h $tp, $zero, 283(0x11b)",
        "0xa8 | 29afb35e | st.w $s7, $s3, -1044(0xbec)",
        "0xac | 29cd9e82 | st.d $tp, $t8, 871(0x367)",
        "0xb0 | 147c82ee | lu12i.w $t2, 254999(0x3e417)",
        "0xb4 | 1735c9ed | lu32i.d $t1, -414129(0x9ae4f)",
        "0xb8 | 04a47c0f | csrrd $t3, 0x291f",
        "0xbc | 587229ce | beq $t2, $t2, 29224(0x7228) # 0x72e4",
        "0xc0 | 5c0b069b | bne $t8, $s4, 2820(0xb04) # 0xbc4",
        "0xc4 | 610846b6 | blt $x, $fp, 67652(0x10844) # 0x10908",
        "0xc8 | 67a0a3f3 | bge $s8, $t7, -24416(0x3a0a0) # 0xffffffffffffa168",
        "0xcc | 42f702b1 | beqz $x, -3737856(0x46f700) # 0xffffffffffc6f7cc",
        "0xd0 | 455b23ed | bnez $s8, 3496736(0x355b20) # 0x355bf0",
        "0xd4 | 52d53e28 | b -123546308(0x8a2d53c) # 0xfffffffff8a2d610",
        "0xe4 | 001544b6 | or $fp, $a1, $t5",
        "0x150 | 0015011e | move $s7, $a4"
    })
    void disassemblesLikeObjdump(String pc, String word, String text) {
        Instruction i = CODEC.decode(le((int) Long.parseLong(word, 16)), 0, 4, Bytes.parseNumber(pc));
        assertTrue(i.isValid());
        assertEquals(text, i.text());
    }

    @ParameterizedTest(name = "hvcl {0}")
    @DisplayName("hvcl CODE is 0x002b8000 | code (asm/inst.h hvcl_op 0x57 in bits 31:15) and prints as hvcl 0x<code>")
    @ValueSource(ints = {0, 0x100, 0x101, 0x102, 0x103, 0x7fff})
    void hvcl(int code) {
        byte[] b = Assembler.assemble(CODEC, "hvcl " + code, 0).bytes();
        assertEquals(String.format(Locale.ROOT, "%08x", 0x002b8000 | code), words(b));
        assertEquals("hvcl 0x" + Integer.toHexString(code), CODEC.decode(b, 0, 4, 0).text());
    }

    @ParameterizedTest(name = "{0}")
    @DisplayName("HVCL's neighbours are not taken for it: syscall 0x002b0000|c, break 0x002a0000|c, dbcl 0x002a8000|c are outside the subset")
    @ValueSource(ints = {0x002b0000, 0x002b7fff, 0x002a0000, 0x002a8000, 0x002c0000, 0x002b8000 - 1, 0x00006800, 0x00007000})
    void neighboursAreNotHvcl(int word) {
        Instruction i = CODEC.decode(le(word), 0, 4, 0x1000);
        assertFalse(i.isValid());
        assertEquals("(bad)", i.text());
    }

    @Test
    @DisplayName("an undecodable word stops the vCPU with its address and bytes")
    void undecodableNamesAddress() {
        Instruction i = CODEC.decode(le(0x002b0000), 0, 4, 0x2468);
        dev.hcsim.core.RegisterFile regs = new dev.hcsim.core.RegisterFile(LoongArchRegisters.LAYOUT);
        dev.hcsim.core.spi.Cpu cpu = new dev.hcsim.core.spi.Cpu(null, 0, regs, null);
        assertEquals(dev.hcsim.core.spi.Cpu.FAULT, i.execute(cpu));
        assertTrue(cpu.faultReason().contains("0x2468"), cpu.faultReason());
        assertTrue(cpu.faultReason().contains("00002b00"), cpu.faultReason());
    }

    @Test
    @DisplayName("short, empty, null and out-of-range byte strings decode to 'not in the subset', never an exception")
    void shortInput() {
        assertFalse(CODEC.decode(new byte[] {0x00, (byte) 0x81, 0x2b}, 0, 3, 0).isValid());
        assertFalse(CODEC.decode(new byte[0], 0, 0, 0).isValid());
        assertFalse(CODEC.decode(null, 0, 4, 0).isValid());
        assertFalse(CODEC.decode(new byte[4], 3, 4, 0).isValid());
        assertFalse(CODEC.decode(new byte[4], -1, 4, 0).isValid());
        assertFalse(CODEC.decode(new byte[4], 9, 4, 0).isValid());
    }

    @ParameterizedTest(name = "{0}")
    @DisplayName("what GNU as 2.40 rejects (immediate overflow, odd or far branch offsets, missing operands) and what is outside the subset is an AsmException")
    @ValueSource(strings = {"addi.w $a0, $zero, 0xfff", "addi.w $a0, $zero, 2048", "addi.d $a0, $zero, -2049", "ori $a0, $a0, -1",
        "ori $a0, $a0, 4096", "lu12i.w $a0, 0xfffff", "lu12i.w $a0, 0x80000", "hvcl 0x8000", "hvcl -1", "idle", "ld.w $a0, $a1",
        "csrrd $a0, 0x4000", "beq $a0, $a1, 2", "beq $a0, $a1, 0x20000", "beqz $a0, 4194304", "b 134217728",
        "li.w $a0, 0x100000000", "cpucfg $a0", "or $a0, $a1, $q9", "syscall 0", "jirl $ra, $ra, 0"})
    void rejects(String source) {
        assertThrows(AsmException.class, () -> Assembler.assemble(CODEC, source, 0));
    }

    @Test
    @DisplayName("labels: a backward loop and a forward branch resolve relative to the branch (GNU as %b16 / %b21 / %b26)")
    void labels() {
        String src = "top: addi.d $t0, $t0, -1\n bnez $t0, top\n beq $a0, $a1, out\n b top\nout: idle 0\n";
        byte[] b = Assembler.assemble(CODEC, src, 0x1000).bytes();
        // GNU as 2.40 + objdump on the same text: 02fffd8c 47fffd9f 58000885 53fff7ff 06488000
        assertEquals("02fffd8c 47fffd9f 58000885 53fff7ff 06488000", words(b));
    }

    @Test
    @DisplayName("property: the decoder never throws on any 32-bit word at any PC, and a valid word is 4 bytes with GNU text")
    void decoderIsTotal() {
        qt().withExamples(2000).forAll(integers().all(), longs().all()).checkAssert((w, pc) -> {
            Instruction i = CODEC.decode(le(w), 0, 4, pc);
            assertEquals(4, i.length());
            assertFalse(i.text().isEmpty());
        });
    }

    @Test
    @DisplayName("property: assemble -> decode -> disassemble -> assemble gives the same word, for every word in the subset")
    void roundTrip() {
        int[] bases = {0x002b8000, 0x00006c00, 0x06488000, 0x00150000, 0x02800000, 0x02c00000, 0x03000000, 0x03400000, 0x03800000,
            0x28000000, 0x28400000, 0x28800000, 0x28c00000, 0x29000000, 0x29400000, 0x29800000, 0x29c00000, 0x14000000, 0x16000000,
            0x04000000, 0x58000000, 0x5c000000, 0x60000000, 0x64000000, 0x40000000, 0x44000000, 0x50000000};
        qt().withExamples(2000).forAll(integers().between(0, bases.length - 1), integers().all(), longs().between(0, 1L << 40))
                .checkAssert((k, bits, pcRaw) -> {
                    long pc = pcRaw & ~3L;
                    int w = bases[k] | (bits & 0x03FF_FFFF & ~(bases[k] & 0x03FF_FFFF));
                    Instruction i = CODEC.decode(le(w), 0, 4, pc);
                    if (!i.isValid()) {
                        return; // e.g. csrrd with rj != 0 is csrwr / csrxchg, or (rk != 0) & 0x8000 is not or
                    }
                    byte[] again = Assembler.assemble(CODEC, i.text(), pc).bytes();
                    assertArrayEquals(le(w), again, i.text());
                });
    }

    @Test
    @DisplayName("property: li.d of any 64-bit value loads exactly that value when run (and li.w of any 32-bit value, sign-extended)")
    void liLoadsItsValue() {
        qt().withExamples(500).forAll(longs().all()).checkAssert(v -> {
            assertEquals(v, LoongArchInterpreterTest.run("li.d $a2, 0x" + Long.toHexString(v)).get(LoongArchRegisters.A2));
            int lo = (int) (long) v;
            assertEquals((long) lo, LoongArchInterpreterTest.run("li.w $a2, " + lo).get(LoongArchRegisters.A2));
        });
    }
}
