package example.unicorn;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Random straight-line programs from an architecture's guest subset: every non-branching instruction form hcsim's
 * assembler accepts (the forms of abi-conformance's binutils cross-check), with random registers and immediates,
 * ending in the architecture's hypercall. Loads and stores address a data area through one base register that no
 * form writes, so that every access stays in guest memory. Forms that read state the two sides model differently
 * (x86 {@code cpuid}, {@code rdtsc}, {@code wrmsr}) and branches are left out; each exclusion is named below.
 *
 * <p>Placeholders: {@code {c:a|b}} a choice, {@code {i:LO:HI[:STEP]}} a number, {@code {R}} a register any form may
 * write, {@code {S}} a register to read, {@code {B}} the base register.
 */
public final class GuestSubset {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(c:[^}]*|i:[^}]*|R|S|B|W|V|H|L)\\}");

    /** Where the data area starts: the base register points here; displacements reach up to 32 KiB above it, away from the code. */
    public static final long DATA = 0x8000;
    /** Where programs are assembled. */
    public static final long ORIGIN = 0x1000;

    private final String arch;
    private final List<String> forms;
    private final String base;
    private final List<String> write;
    private final List<String> read;
    private final List<String> hypercall;

    private GuestSubset(String arch, String base, List<String> write, List<String> read, List<String> forms, List<String> hypercall) {
        this.arch = arch;
        this.base = base;
        this.write = write;
        this.read = read;
        this.forms = forms;
        this.hypercall = hypercall;
    }

    /**
     * The subset of one architecture.
     * @param hcsimArch {@code x86}, {@code arm64} or {@code s390}
     * @return its forms
     */
    public static GuestSubset of(String hcsimArch) {
        return switch (hcsimArch) {
            case "x86" -> x86();
            case "arm64" -> arm64();
            case "s390" -> s390();
            case "mips" -> mips32();
            case "ppc" -> ppc32();
            case "riscv" -> riscv64();
            default -> throw new IllegalArgumentException("no guest subset for '" + hcsimArch + "'");
        };
    }

    private static List<String> names(String prefix, int from, int to, int except) {
        List<String> out = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            if (i != except) {
                out.add(prefix + i);
            }
        }
        return out;
    }

    // arch-x86 X86Codec; left out: jmp/jcc (branches), cpuid, rdtsc and wrmsr (hcsim answers them as KVM's
    // intercepts do, Unicorn as its TCG CPU does), hlt (a wait, covered by the scenarios), vmcall mid-program.
    private static GuestSubset x86() {
        List<String> r64 = List.of("rax", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15");
        return new GuestSubset("x86", "rbx", r64, listWith(r64, "rbx"), List.of(
                "mov ${i:-2147483648:2147483647}, %{R}",
                "mov ${i:0:4294967295}, %{W}",
                "movabs ${i:-9223372036854775808:9223372036854775807}, %{R}",
                "mov %{S}, %{R}",
                "mov %{V}, %{W}",
                "{c:add|sub|cmp|and|or|xor} ${i:-2147483648:2147483647}, %{R}",
                "{c:add|sub|cmp|and|or|xor} ${i:-2147483648:2147483647}, %{W}",
                "{c:add|sub|cmp|and|or|xor} %{S}, %{R}",
                "{c:add|sub|cmp|and|or|xor} %{V}, %{W}",
                "mov {i:0:32760}(%{B}), %{R}",
                "mov %{S}, {i:0:32760}(%{B})",
                "mov (%{B}), %{R}",
                "movl {i:0:127}(%{B}), %{W}",
                "movzbl {i:0:127}(%{B}), %{W}",
                "movzwl {i:0:127}(%{B}), %{W}",
                "mov %{V}, {i:0:127}(%{B})",
                "mov %{c:ax|bx|cx|r8w}, {i:0:127}(%{B})",
                "mov %{c:al|bl|cl|dl|sil|dil|r9b}, {i:0:127}(%{B})",
                "movq ${i:-2147483648:2147483647}, {i:0:127}(%{B})",
                "movl ${i:0:4294967295}, {i:0:127}(%{B})",
                "pause",
                "nop"), List.of("vmcall"));
    }

    // arch-arm64 Arm64Codec; left out: b, b.cond, cbz/cbnz (branches), svc/smc (the guest's own or firmware),
    // msr icc_sgi1r_el1 (an SGI, a trap of its own), wfi (a wait).
    private static GuestSubset arm64() {
        List<String> x = names("x", 0, 30, 28);
        return new GuestSubset("arm64", "x28", x, listWith(x, "x28"), List.of(
                "{c:movz|movn|movk} {R}, #{i:0:65535}, lsl #{c:0|16|32|48}",
                "{c:movz|movn|movk} {W}, #{i:0:65535}, lsl #{c:0|16}",
                "mov {R}, {S}",
                "mov {W}, {V}",
                "mov {c:x1|x7|sp}, {c:sp|x2|x9}",
                "{c:add|adds|sub|subs} {R}, {S}, #{i:0:4095}",
                "{c:add|adds|sub|subs} {R}, sp, #{i:0:4095}",
                "{c:add|sub} sp, {c:sp|x3}, #{i:0:4095}",
                "{c:add|adds|sub|subs} {R}, {S}, #{i:0:4095}, lsl #12",
                "{c:add|adds|sub|subs} {W}, {V}, #{i:0:4095}",
                "{c:add|adds|sub|subs} {R}, {S}, {S}",
                "{c:cmp|cmn} {S}, #{i:0:4095}",
                "{c:cmp|cmn} {V}, {V}",
                "{c:cmp|cmn} {S}, {S}",
                "{c:cmp|cmn} {c:x1|sp}, #{i:0:4095}, lsl #12",
                "mov {c:wsp|w3}, {c:w1|wsp}",
                "{c:add|sub} {c:x0|xzr}, {S}, {c:x2|xzr}",
                "{c:ldr|str} {R}, [{B}, #{i:0:32760:8}]",
                "{c:ldr|str} {W}, [{B}, #{i:0:16380:4}]",
                "{c:ldrh|strh} {W}, [{B}, #{i:0:8190:2}]",
                "{c:ldrb|strb} {W}, [{B}, #{i:0:4095}]",
                "nop",
                "mrs {R}, mpidr_el1"), List.of("hvc #0"));
    }

    // arch-s390 S390Codec; left out: j/jcc/brc (branches), sigp, stap, stsi, stck, stpt, lpswe (privileged: each is
    // a trap of its own), indexed lg/stg/l/st (a random index register leaves guest memory).
    private static GuestSubset s390() {
        List<String> r = names("%r", 0, 15, 13);
        return new GuestSubset("s390", "%r13", r, listWith(r, "%r13"), List.of(
                "lghi {R},{i:-32768:32767}",
                "aghi {R},{i:-32768:32767}",
                "cghi {S},{i:-32768:32767}",
                "lgfi {R},{i:-2147483648:2147483647}",
                "agfi {R},{i:-2147483648:2147483647}",
                "llihf {R},{i:0:4294967295}",
                "iihf {R},{i:0:4294967295}",
                "iilf {R},{i:0:4294967295}",
                "{c:lgr|sgr} {R},{S}",
                "cgr {S},{S}",
                "{c:lg|stg} {R},{i:0:32760}({B})",
                "{c:l|st} {R},{i:0:4095}({B})",
                "nop",
                "nopr {S}",
                "nopr",
                "nop {i:0:4095}({B})"), List.of("diag %r2,%r4,0x500"));
    }

    // arch-mips MipsCodec, the MIPS32-compatible forms only (Unicorn 2.0.1 runs a MIPS32 CPU); left out: daddiu, dsll,
    // dsrl, dsll32, dsrl32, dli, ld, sd (64-bit: reserved instructions there), li above 0x7fffffff (GNU as makes it
    // lui+ori, a zero-extended 64-bit value), beq/bne/beqz/bnez/b (branches), syscall (the guest's own), wait (a wait),
    // mfc0 EBase (Unicorn's CPU has its own EBase).
    private static GuestSubset mips32() {
        List<String> r = names("$", 1, 31, 16);
        return new GuestSubset("mips", "$16", r, listWith(listWith(r, "$16"), "$0"), List.of(
                "lui {R},{i:0:65535}",
                "{c:ori|andi} {R},{S},{i:0:65535}",
                "addiu {R},{S},{i:-32768:32767}",
                "li {R},{i:-2147483648:2147483647}",
                "move {R},{S}",
                "or {R},{S},{S}",
                "lw {R},{i:0:32764:4}({B})",
                "lb {R},{i:0:32767}({B})",
                "sw {S},{i:0:32764:4}({B})",
                "sb {S},{i:0:32767}({B})",
                "nop"), List.of("hypcall"));
    }

    // arch-ppc PpcCodec, the 32-bit forms only (Unicorn 2.0.1 runs a 32-bit CPU); left out: sldi, rldicr, clrrdi,
    // cmpdi, ld, std (64-bit), beq/bne/b/bl/blr/bctr (branches), sc (a trap: the hypercall), msgsnd (a trap of its
    // own), mfspr (PIR is the vCPU's, Unicorn's CPU has its own), tdi (a trap instruction).
    private static GuestSubset ppc32() {
        List<String> r = names("", 0, 31, 30);
        return new GuestSubset("ppc", "30", r, listWith(r, "30"), List.of(
                "lis {R},{i:-32768:32767}",
                "{c:addis|addi} {R},{c:1|2|3|4|5|6|7|8|9|10|11|12|13|14|15|16|17|18|19|20|21|22|23|24|25|26|27|28|29|31},{i:-32768:32767}",
                "li {R},{i:-32768:32767}",
                "{c:ori|oris} {R},{S},{i:0:65535}",
                "mr {R},{S}",
                "or {R},{S},{S}",
                "cmpwi {i:0:7},{S},{i:-32768:32767}",
                "lwz {R},{i:0:32764:4}({B})",
                "stw {S},{i:0:32764:4}({B})",
                "mtctr {S}",
                "nop",
                "{c:yield|mdoio|mdoom|miso}"), List.of("sc 1"));
    }

    // arch-riscv RiscvCodec (RV64IM); left out: j, jal, jr, jalr, ret and the b* forms (branches), auipc (its value is
    // the PC, the same on both sides but not a register-file question), ecall (the hypercall), ebreak (the guest's
    // own), wfi (a wait), fence (no effect on one hart), div/rem forms are kept: both follow the ISA's
    // division-by-zero results.
    private static GuestSubset riscv64() {
        List<String> x = names("x", 1, 31, 9);
        return new GuestSubset("riscv", "x9", x, listWith(listWith(x, "x9"), "x0"), List.of(
                "lui {R},{i:0:1048575}",
                "li {R},{i:-9223372036854775808:9223372036854775807}",
                "li {R},{i:-2048:2047}",
                "{c:mv|not|neg|negw|sext.w|seqz|snez|sltz|sgtz} {R},{S}",
                "{c:addi|slti|sltiu|xori|ori|andi|addiw} {R},{S},{i:-2048:2047}",
                "{c:slli|srli|srai} {R},{S},{i:0:63}",
                "{c:slliw|srliw|sraiw} {R},{S},{i:0:31}",
                "{c:add|sub|sll|slt|sltu|xor|srl|sra|or|and|addw|subw|sllw|srlw|sraw} {R},{S},{S}",
                "{c:mul|mulh|mulhsu|mulhu|div|divu|rem|remu|mulw|divw|divuw|remw|remuw} {R},{S},{S}",
                "{c:ld|sd} {c:x1|x5|x10|x31},{i:0:2040:8}({B})",
                "{c:lw|lwu|sw} {R},{i:0:2044:4}({B})",
                "{c:lh|lhu|sh} {R},{i:0:2046:2}({B})",
                "{c:lb|lbu|sb} {R},{i:0:2047}({B})",
                "nop"), List.of("ecall"));
    }

    private static List<String> listWith(List<String> l, String extra) {
        List<String> out = new ArrayList<>(l);
        out.add(extra);
        return List.copyOf(out);
    }

    /**
     * hcsim's architecture name.
     * @return e.g. {@code x86}
     */
    public String arch() {
        return arch;
    }

    /**
     * The base register of loads and stores (its initial value is {@link #DATA}).
     * @return its assembler name without a prefix
     */
    public String baseRegister() {
        String b = base.replace("%", "").replace("$", "r");
        return b.matches("\\d+") ? "r" + b : b;
    }

    /**
     * How many forms the subset has.
     * @return the number of forms
     */
    public int formCount() {
        return forms.size();
    }

    /**
     * A random program: {@code 1..maxLength} random instructions, then the hypercall.
     * @param rnd the random source
     * @param maxLength the most instructions before the hypercall
     * @return the source lines, the hypercall last
     */
    public List<String> program(SplittableRandom rnd, int maxLength) {
        int n = 1 + rnd.nextInt(maxLength);
        List<String> out = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            out.add(instantiate(forms.get(rnd.nextInt(forms.size())), rnd));
        }
        out.add(hypercall.get(rnd.nextInt(hypercall.size())));
        return out;
    }

    /**
     * One instance of every form, the boundaries of its numbers included, for a run that covers them all.
     * @param form index of a form
     * @param rnd the random source
     * @return one instance of it
     */
    public String instance(int form, SplittableRandom rnd) {
        return instantiate(forms.get(form), rnd);
    }

    private String instantiate(String form, SplittableRandom rnd) {
        Matcher m = PLACEHOLDER.matcher(form);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String p = m.group(1);
            String v;
            switch (p) {
                case "R" -> v = write.get(rnd.nextInt(write.size()));
                case "S" -> v = read.get(rnd.nextInt(read.size()));
                case "B" -> v = base;
                case "W" -> v = narrow(write.get(rnd.nextInt(write.size())));
                case "V" -> v = narrow(read.get(rnd.nextInt(read.size())));
                default -> v = p.startsWith("c:") ? choice(p, rnd) : number(p, rnd);
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(v));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    /** The 32-bit name of a register (x86 eax/r8d, arm64 w0); s390 has none, the 64-bit name serves. */
    private String narrow(String r) {
        if (arch.equals("arm64")) {
            return "w" + r.substring(1);
        }
        if (arch.equals("x86")) {
            if (r.matches("r\\d+")) {
                return r + "d";
            }
            return "e" + r.substring(1);
        }
        return r;
    }

    private static String choice(String p, SplittableRandom rnd) {
        String[] c = p.substring(2).split("\\|", -1);
        return c[rnd.nextInt(c.length)];
    }

    private static String number(String p, SplittableRandom rnd) {
        String[] r = p.substring(2).split(":");
        long lo = Long.parseLong(r[0]);
        long hi = Long.parseLong(r[1]);
        long step = r.length > 2 ? Long.parseLong(r[2]) : 1;
        long n;
        int edge = rnd.nextInt(8);
        if (edge == 0) {
            n = lo;
        } else if (edge == 1) {
            n = hi - (hi - lo) % step;
        } else if (hi - lo < 0 || hi - lo == Long.MAX_VALUE) {
            n = rnd.nextLong();
        } else {
            n = lo + rnd.nextLong((hi - lo) / step + 1) * step;
        }
        return rnd.nextBoolean() && n >= 0 ? "0x" + Long.toHexString(n) : Long.toString(n);
    }
}
