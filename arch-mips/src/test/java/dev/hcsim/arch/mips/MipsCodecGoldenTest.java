package dev.hcsim.arch.mips;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hcsim.core.Bytes;
import dev.hcsim.core.asm.Assembler;
import dev.hcsim.core.spi.Instruction;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Golden bytes and text from GNU binutils 2.40 (Debian cross binutils, default ABI n64): the program
 * below was assembled under {@code .set noreorder} with
 * {@code mips64-linux-gnuabi64-as -EB -march=mips64r2 -mvirt} and {@code mips64el-linux-gnuabi64-as -EL ...}
 * into ELF objects, the .text bytes taken with {@code objcopy -O binary -j .text}, and the text with
 * {@code objdump -d -z -M virt} of each object, which names registers as n64 does (a4..a7 = $8..$11,
 * t0..t3 = $12..$15). objdump's {@code ADDR <label>} branch targets are written as hcsim prints them,
 * {@code 0xADDR}. The lines after {@code dli $2,0x0000ffffffffffff} spell the n64 names and their GNU
 * aliases (ta0..ta3, kt0 / kt1, fp).
 */
class MipsCodecGoldenTest {
    static final String SOURCE = """
back:
    lui $2,0x1234
    lui $31,0xffff
    ori $2,$2,0x5678
    ori $3,$0,0x8000
    andi $2,$2,0x3ff
    addiu $3,$4,100
    addiu $3,$4,-32768
    addiu $2,$0,5
    daddiu $2,$2,-1
    daddiu $29,$29,32767
    li $2,5
    li $2,-1
    li $2,0x8000
    li $2,0x12345678
    li $2,0x80000000
    li $2,0xffffffff
    dsll $2,$2,16
    dsll $2,$3,40
    dsll32 $2,$2,0
    dsll32 $2,$2,31
    dsrl $2,$2,4
    dsrl32 $2,$2,0
    dsrl $4,$5,63
    move $2,$4
    move $31,$30
    or $2,$4,$5
    or $2,$0,$4
    beq $2,$3,back
    bne $2,$3,fwd
    beqz $2,fwd
    bnez $2,back
    b fwd
    beq $0,$2,fwd
    ld $2,8($4)
    sd $2,-8($29)
    lw $2,0($4)
    sw $2,4($4)
    lb $2,-1($4)
    sb $2,32767($4)
    hypcall
    hypcall 1
    hypcall 0x3ff
    wait
    wait 5
    nop
    syscall
    syscall 0xfffff
    mfc0 $2,$15,1
    mfc0 $31,$15,1
    dli $2,0x123456789abcdef0
    dli $2,0xffffffff
    dli $2,0x0000ffffffffffff
    move $a4,$t0
    move $12,$8
    move $ta3,$15
    or $ta1,$a7,$t3
    or $t1,$t2,$ta2
    daddiu $t2,$a6,-4
    addiu $11,$13,1
    ld $t3,16($ta2)
    sd $a5,0($t0)
    lw $14,-4($9)
    dsll $t0,$a4,3
    bne $t0,$a4,fwd
    beqz $ta0,back
    mfc0 $t0,$15,1
    li $a7,0x3200
    dli $t1,0x8899aabbccddeeff
    move $fp,$kt1
    move $kt0,$s8
fwd:
    nop
            """;

    /** objcopy -O binary -j .text of the -EB object, up to the end of the program (84 words; as pads .text to 16 bytes). */
    static final String BIG = "3c0212343c1fffff3442567834038000304203ff2483006424838000240200056442ffff67bd7fff240200052402ffff340280003c021234344256783c0280002402ffff000214380003123c0002103c000217fc0002113a0002103e000527fe0080102503c0f82500851025000410251043ffe314430035104000341440ffe01000003210020031dc820008ffa2fff88c820000ac8200048082ffffa0827fff4200002842000828421ff8284200002042000160000000000000000c03ffffcc40027801401f78013c021234344256780002143834429abc000214383442def03c02ffff0002103e2402ffff0002143a018040250100602501e05825016f482501ca6825654efffc25ab0001dd4f0010fd8900008d2efffc000860f81588000b1100ffb7400c7801240b32003c0d889935adaabb000d6c3835adccdd000d6c3835adeeff0360f02503c0d02500000000";

    /** The same of the -EL object. */
    static final String LITTLE = "3412023cffff1f3c7856423400800334ff034230640083240080832405000224ffff4264ff7fbd6705000224ffff0224008002343412023c785642340080023cffff0224381402003c1203003c100200fc1702003a1102003e100200fe2705002510800025f8c0032510850025100400e3ff43103500431434004010e0ff40143200001031000210080082dcf8ffa2ff0000828c040082acffff8280ff7f82a0280000422808004228f81f422000004260010042000000000c000000ccffff030178024001781f403412023c7856423438140200bc9a423438140200f0de4234ffff023c3e100200ffff02243a14020025408001256000012558e00125486f012568ca01fcff4e650100ab2510004fdd000089fdfcff2e8df86008000b008815b7ff001101780c4000320b2499880d3cbbaaad35386c0d00ddccad35386c0d00ffeead3525f0600325d0c00300000000";

    /** objdump's text for each word, in order (identical for both byte orders). */
    static final List<String> OBJDUMP = List.of(
            "lui v0,0x1234",
            "lui ra,0xffff",
            "ori v0,v0,0x5678",
            "li v1,0x8000",
            "andi v0,v0,0x3ff",
            "addiu v1,a0,100",
            "addiu v1,a0,-32768",
            "li v0,5",
            "daddiu v0,v0,-1",
            "daddiu sp,sp,32767",
            "li v0,5",
            "li v0,-1",
            "li v0,0x8000",
            "lui v0,0x1234",
            "ori v0,v0,0x5678",
            "lui v0,0x8000",
            "li v0,-1",
            "dsll v0,v0,0x10",
            "dsll32 v0,v1,0x8",
            "dsll32 v0,v0,0x0",
            "dsll32 v0,v0,0x1f",
            "dsrl v0,v0,0x4",
            "dsrl32 v0,v0,0x0",
            "dsrl32 a0,a1,0x1f",
            "move v0,a0",
            "move ra,s8",
            "or v0,a0,a1",
            "or v0,zero,a0",
            "beq v0,v1,0x0",
            "bne v0,v1,0x14c",
            "beqz v0,0x14c",
            "bnez v0,0x0",
            "b 0x14c",
            "beq zero,v0,0x14c",
            "ld v0,8(a0)",
            "sd v0,-8(sp)",
            "lw v0,0(a0)",
            "sw v0,4(a0)",
            "lb v0,-1(a0)",
            "sb v0,32767(a0)",
            "hypcall",
            "hypcall 0x1",
            "hypcall 0x3ff",
            "wait",
            "wait 0x5",
            "nop",
            "syscall",
            "syscall 0xfffff",
            "mfc0 v0,c0_ebase",
            "mfc0 ra,c0_ebase",
            "lui v0,0x1234",
            "ori v0,v0,0x5678",
            "dsll v0,v0,0x10",
            "ori v0,v0,0x9abc",
            "dsll v0,v0,0x10",
            "ori v0,v0,0xdef0",
            "lui v0,0xffff",
            "dsrl32 v0,v0,0x0",
            "li v0,-1",
            "dsrl v0,v0,0x10",
            "move a4,t0",
            "move t0,a4",
            "move a7,t3",
            "or a5,a7,t3",
            "or t1,t2,a6",
            "daddiu t2,a6,-4",
            "addiu a7,t1,1",
            "ld t3,16(a6)",
            "sd a5,0(t0)",
            "lw t2,-4(a5)",
            "dsll t0,a4,0x3",
            "bne t0,a4,0x14c",
            "beqz a4,0x0",
            "mfc0 t0,c0_ebase",
            "li a7,12800",
            "lui t1,0x8899",
            "ori t1,t1,0xaabb",
            "dsll t1,t1,0x10",
            "ori t1,t1,0xccdd",
            "dsll t1,t1,0x10",
            "ori t1,t1,0xeeff",
            "move s8,k1",
            "move k0,s8",
            "nop");

    private static MipsCodec codec(ByteOrder o) {
        return (MipsCodec) new MipsArchitecture().codec(o);
    }

    @Test
    @DisplayName("assembler: big-endian bytes equal GNU as -EB -march=mips64r2 -mvirt")
    void assemblesLikeGasBigEndian() {
        assertEquals(BIG, Bytes.hex(Assembler.assemble(codec(ByteOrder.BIG_ENDIAN), SOURCE, 0).bytes()));
    }

    @Test
    @DisplayName("assembler: little-endian bytes equal GNU as -EL -march=mips64r2 -mvirt")
    void assemblesLikeGasLittleEndian() {
        assertEquals(LITTLE, Bytes.hex(Assembler.assemble(codec(ByteOrder.LITTLE_ENDIAN), SOURCE, 0).bytes()));
    }

    @Test
    @DisplayName("disassembler: every word's text equals objdump -d -M virt of the n64 ELF object (n64 register names), both byte orders")
    void disassemblesLikeObjdump() {
        for (ByteOrder o : List.of(ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN)) {
            byte[] b = Bytes.parseHex(o == ByteOrder.BIG_ENDIAN ? BIG : LITTLE);
            List<String> got = new ArrayList<>();
            for (int i = 0; i < b.length; i += 4) {
                Instruction ins = codec(o).decode(b, i, 4, i);
                assertTrue(ins.isValid(), "word " + i / 4 + " should decode");
                got.add(ins.text());
            }
            assertEquals(OBJDUMP, got, o.toString());
        }
    }

    @ParameterizedTest(name = "hypcall bytes in memory: {0} endian = {1}")
    @CsvSource({"big,42000028", "little,28000042"})
    @DisplayName("hypcall: 42000028 big-endian, 28 00 00 42 little-endian (arch/mips/include/asm/kvm_para.h KVM_HYPERCALL)")
    void hypcallBytes(String endian, String hex) {
        ByteOrder o = endian.equals("big") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        assertEquals(hex, Bytes.hex(Assembler.assemble(codec(o), "hypcall", 0x1000).bytes()));
    }

    @ParameterizedTest(name = "{0}: {1} / {2}")
    @CsvSource(delimiter = '|', value = {
        "move $t0,$t1|01a06025|move t0,t1",
        "move $a4,$a5|01204025|move a4,a5",
        "move $ta0,$ta3|01604025|move a4,a7",
        "move $s8,$ra|03e0f025|move s8,ra",
        "mfc0 $12,$15,1|400c7801|mfc0 t0,c0_ebase"
    })
    @DisplayName("n64 names (issue 7): mips64-linux-gnuabi64-as assembles the line to the word, objdump -d of the object prints the text; "
            + "not o32's move $t0,$t1 = 01204025")
    void n64RegisterNamesLikeGnu(String source, String word, String objdump) {
        for (ByteOrder o : List.of(ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN)) {
            byte[] b = Assembler.assemble(codec(o), source, 0).bytes();
            assertEquals(Long.parseLong(word, 16), Bytes.get(b, 0, 4, o == ByteOrder.BIG_ENDIAN), source + " " + o);
            assertEquals(objdump, codec(o).decode(b, 0, 4, 0).text(), source + " " + o);
        }
    }

    @ParameterizedTest(name = "{0} is not in the subset (objdump: {1})")
    @CsvSource(delimiter = '|', value = {
        "43e00028|c0 0x1e00028 (HYPCALL func with bits 24..21 set)",
        "420007e8|c0 0x7e8 (HYPCALL func with bits 10..6 set)",
        "4200002f|c0 0x2f",
        "42000021|c0 0x21 (next to wait)",
        "42000018|eret",
        "42000008|tlbp",
        "42000038|iret",
        "42000010|tlbgp",
        "41000028|.word 0x41000028 (CO clear)",
        "40027802|mfc0 v0,$15,2 (not EBase)",
        "40027800|mfc0 v0,c0_prid",
        "40227801|dmfc0 v0,c0_ebase",
        "40027809|.word 0x40027809",
        "407f7801|mfgc0 ra,c0_ebase",
        "3c821234|.word 0x3c821234 (lui with rs set)",
        "00851065|.word 0x851065 (or with sa set)",
        "00221438|.word 0x221438",
        "0022113a|dror v0,v0,0x4",
        "0022103e|dror32 v0,v0,0x0",
        "0080102d|move v0,a0 (daddu: not in the subset)",
        "00000040|ssnop",
        "7c000000|ext zero,zero,0x0,0x1",
        "000000c0|ehb"
    })
    @DisplayName("decoder: neighbouring encodings objdump shows differently are not taken for subset instructions")
    void neighboursAreNotInTheSubset(String hex, String objdump) {
        for (ByteOrder o : List.of(ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN)) {
            byte[] b = new byte[4];
            Bytes.put(b, 0, 4, Long.parseLong(hex, 16), o == ByteOrder.BIG_ENDIAN);
            Instruction ins = codec(o).decode(b, 0, 4, 0x2000);
            assertFalse(ins.isValid(), hex + " decoded as " + ins.text());
            assertEquals("(bad)", ins.text());
        }
    }

    @Test
    @DisplayName("dli: 436 values expand exactly as GNU as 2.40 load_register (gas/config/tc-mips.c)")
    void dliExpandsLikeGas() throws Exception {
        int checked = 0;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                MipsCodecGoldenTest.class.getResourceAsStream("dli-gas-2.40.txt"), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith("#") || line.isBlank()) {
                    continue;
                }
                String[] p = line.trim().split(" ");
                long v = Long.parseUnsignedLong(p[0], 16);
                StringBuilder want = new StringBuilder();
                for (int i = 1; i < p.length; i++) {
                    want.append(p[i]);
                }
                String got = Bytes.hex(Assembler.assemble(codec(ByteOrder.BIG_ENDIAN), "dli $2,0x" + p[0], 0).bytes());
                assertEquals(want.toString(), got, "dli $2,0x" + Long.toHexString(v));
                checked++;
            }
        }
        assertEquals(436, checked);
    }
}
