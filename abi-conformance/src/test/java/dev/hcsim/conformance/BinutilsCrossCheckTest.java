package dev.hcsim.conformance;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hcsim.core.Bytes;
import dev.hcsim.core.Program;
import dev.hcsim.core.Vm;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.asm.AsmException;
import dev.hcsim.core.asm.Assembler;
import dev.hcsim.core.engine.Engine;
import dev.hcsim.core.spi.Codec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;

/**
 * The cross-check of every subset instruction form against GNU binutils: each form of
 * {@code src/test/resources/binutils/ARCH.forms} is instantiated with its boundary operands and a few
 * thousand random ones, the whole program is assembled by GNU {@code as} and by hcsim, and for every
 * statement the bytes must be equal; then every instruction GNU emitted is disassembled by hcsim and
 * must read as {@code objdump} prints it. Runs with {@code -Pbinutils} (scripts/binutils-crosscheck.sh
 * installs the tools); without the cross tools each target is skipped by assumption.
 *
 * <p>Known gap: GNU binutils 2.40 (Debian 12) has no {@code hvcl}; its forms ({@code @raw}) are emitted
 * as {@code .4byte} of hcsim's word, and objdump must print that word raw (it knows no other
 * instruction there) while hcsim reads {@code hvcl}.
 */
@Tag("binutils")
class BinutilsCrossCheckTest {
    /** Random operand sets per form; the issue asks for a few thousand. */
    private static final int OPERANDS = Integer.getInteger("hcsim.binutils.operands", 2000);
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(c:[^}]*|[in]:[^}]*|L)\\}");
    private static final Pattern SYMBOL = Pattern.compile("^([0-9a-f]+) <(f\\d+)>:$");
    private static final Pattern INSN = Pattern.compile("^\\s*([0-9a-f]+):\\t([0-9a-f ]+?)\\s*\\t(.*)$");

    /** One GNU target: the hcsim VM options it matches, the tools, and what objdump's comments start with. */
    record Target(String name, String arch, Map<String, String> options, String prefix, List<String> asFlags,
            List<String> objdumpFlags, String comment, String preamble) {
        String tool(String t) {
            String p = prefix + t;
            if (p.startsWith("loongarch")) {
                Path built = Path.of(System.getenv().getOrDefault("LOONGARCH_BINUTILS",
                        System.getProperty("user.home") + "/.cache/loongarch-binutils"), "bin", p);
                if (Files.isExecutable(built)) {
                    return built.toString();
                }
            }
            return p;
        }
    }

    /**
     * objdump's own register names for the object GNU as wrote: n64, the default ABI of the mips64*-linux-gnuabi64
     * tools ($8..$11 a4..a7, $12..$15 t0..t3), which hcsim's MIPS codec prints too (arch-mips MipsRegisters).
     */
    private static final List<String> MIPS_NAMES = List.of("-M", "virt");

    private static final List<Target> TARGETS = List.of(
            new Target("x86-64", "x86", Map.of(), "x86_64-linux-gnu-", List.of("--64"), List.of("--insn-width=16"), "#", ""),
            new Target("s390x", "s390", Map.of(), "s390x-linux-gnu-", List.of("-m64"), List.of(), "#", ""),
            new Target("ppc64", "ppc", Map.of("endian", "big"), "powerpc64-linux-gnu-", List.of("-a64", "-mbig", "-many"), List.of(), "#", ""),
            new Target("ppc64le", "ppc", Map.of("endian", "little"), "powerpc64le-linux-gnu-", List.of("-a64", "-mlittle", "-many"), List.of(), "#", ""),
            new Target("mips64", "mips", Map.of("endian", "big"), "mips64-linux-gnuabi64-", List.of("-march=mips64r5", "-mvirt", "-EB"),
                    MIPS_NAMES, "#", ".set noreorder\n"),
            new Target("mips64el", "mips", Map.of("endian", "little"), "mips64el-linux-gnuabi64-", List.of("-march=mips64r5", "-mvirt", "-EL"),
                    MIPS_NAMES, "#", ".set noreorder\n"),
            new Target("loongarch64", "loongarch", Map.of(), "loongarch64-linux-gnu-", List.of(), List.of(), "#", ""),
            new Target("aarch64", "arm64", Map.of(), "aarch64-linux-gnu-", List.of(), List.of(), "//", ""),
            // No compressed instructions (hcsim's subset is RV64IM + Zicsr) and no linker relaxation (branch offsets resolved by as).
            new Target("riscv64", "riscv", Map.of(), "riscv64-linux-gnu-", List.of("-march=rv64im_zicsr", "-mno-relax"), List.of(), "#", ""));

    @TestFactory
    Stream<DynamicTest> everyFormAgreesWithGnuBinutils() {
        return TARGETS.stream().map(t -> DynamicTest.dynamicTest(t.name() + ": as bytes and objdump text", () -> check(t)));
    }

    /** Each architecture's unconditional branch, for the local-label programs. */
    private static final Map<String, String> BRANCH = Map.of("x86", "jmp", "arm64", "b", "riscv", "j", "mips", "b", "loongarch", "b", "ppc",
            "b", "s390", "j");

    @TestFactory
    Stream<DynamicTest> localLabelsAgreeWithGnuBinutils() {
        return TARGETS.stream().map(t -> DynamicTest.dynamicTest(t.name() + ": GNU local labels (1:, 1f, 1b)", () -> checkLocalLabels(t)));
    }

    /**
     * A program with GNU local labels (gas manual, "Local Labels"): redefined numbers, forward and backward references,
     * several labels on one line, a two-digit number; GNU as and hcsim must give the same .text bytes.
     */
    static void checkLocalLabels(Target t) throws Exception {
        assumeTrue(available(t.tool("as")) && available(t.tool("objcopy")),
                "GNU binutils for " + t.name() + " are not installed (scripts/binutils-crosscheck.sh installs them)");
        String b = BRANCH.get(t.arch());
        String src = String.join("\n", "1: nop", b + " 1f", "1: nop", b + " 1b", "2: 1: " + b + " 1b", b + " 2f", "nop", "2: " + b + " 2b",
                "10: nop", b + " 10b", b + " 10f", "nop", "10: " + b + " 1b", "");
        VmConfig.Builder cfg = VmConfig.builder(t.arch());
        t.options().forEach(cfg::option);
        Program program = Assembler.assemble(Engine.context(Vm.create(cfg.build())).codec(), src, 0);
        Path dir = Files.createTempDirectory("hcsim-binutils-local-" + t.name());
        try {
            String gnu = Bytes.hex(gnuText(t, dir, src));
            String ours = Bytes.hex(program.bytes());
            // GNU as pads .text to the section's alignment (16 bytes for MIPS) with zeros after the last instruction
            String padding = gnu.length() > ours.length() && gnu.length() - ours.length() < 32 ? gnu.substring(ours.length()) : "";
            org.junit.jupiter.api.Assertions.assertEquals(gnu, ours + (padding.replace("0", "").isEmpty() ? padding : ""),
                    t.name() + ": " + src.replace('\n', ';'));
        } finally {
            try (Stream<Path> s = Files.list(dir)) {
                s.forEach(p -> p.toFile().delete());
            }
            Files.deleteIfExists(dir);
        }
    }

    /** GNU as's .text for {@code source} (after the target's preamble), with in.s and in.o left in {@code dir}. */
    private static byte[] gnuText(Target t, Path dir, String source) throws IOException, InterruptedException {
        Files.writeString(dir.resolve("in.s"), t.preamble() + source);
        List<String> as = new ArrayList<>(List.of(t.tool("as")));
        as.addAll(t.asFlags());
        as.addAll(List.of("-o", dir.resolve("in.o").toString(), dir.resolve("in.s").toString()));
        run(as); // warnings (a form naming $at) are GNU's business; errors fail the run
        run(List.of(t.tool("objcopy"), "-O", "binary", "-j", ".text", dir.resolve("in.o").toString(), dir.resolve("text.bin").toString()));
        return Files.readAllBytes(dir.resolve("text.bin"));
    }

    /** One generated statement: its source for both assemblers, and whether it goes to GNU as raw bytes. */
    private record Line(String source, boolean raw) {
    }

    static void check(Target t) throws Exception {
        assumeTrue(available(t.tool("as")) && available(t.tool("objdump")) && available(t.tool("objcopy")),
                "GNU binutils for " + t.name() + " are not installed (scripts/binutils-crosscheck.sh installs them)");
        VmConfig.Builder b = VmConfig.builder(t.arch());
        t.options().forEach(b::option);
        Codec codec = Engine.context(Vm.create(b.build())).codec();
        List<Line> lines = generate(forms(t.arch()), new Random(8));
        // hcsim first: a statement it rejects is a finding, then dropped so that the rest can be compared.
        List<String> failures = new ArrayList<>();
        Program program = null;
        while (program == null) {
            try {
                program = Assembler.assemble(codec, source(lines, null, codec), 0);
            } catch (AsmException e) {
                int statement = (e.line() - 1) / 2;
                if (e.line() <= 0 || statement >= lines.size() || failures.size() > 40) {
                    throw new AssertionError(t.name() + ": hcsim cannot assemble the program: " + e.getMessage(), e);
                }
                failures.add("hcsim rejects '" + lines.get(statement).source() + "': " + e.getMessage());
                lines.set(statement, new Line("nop", false));
            }
        }
        Path dir = Files.createTempDirectory("hcsim-binutils-" + t.name());
        try {
            byte[] gnu = gnuText(t, dir, source(lines, program, codec));
            List<String> od = new ArrayList<>(List.of(t.tool("objdump"), "-d", "-z"));
            od.addAll(t.objdumpFlags());
            od.add(dir.resolve("in.o").toString());
            String dump = run(od);
            int listed = compare(t, codec, lines, program, gnu, dump, failures);
            // Every statement is at least one instruction: fewer listed means the comparison saw only part of the program.
            assertTrue(listed >= lines.size(), t.name() + ": objdump listed " + listed + " instructions for " + lines.size() + " statements");
        } finally {
            // -Dhcsim.binutils.keep=true keeps the source, object and listings to look at.
            if (Boolean.getBoolean("hcsim.binutils.keep")) {
                System.err.println(t.name() + ": files kept in " + dir);
            } else {
                try (Stream<Path> s = Files.list(dir)) {
                    s.forEach(p -> p.toFile().delete());
                }
                Files.deleteIfExists(dir);
            }
        }
        assertTrue(failures.isEmpty(), t.name() + ": " + failures.size() + " disagreement(s) with GNU binutils, first ones:\n  "
                + String.join("\n  ", failures.subList(0, Math.min(40, failures.size()))));
    }

    /** Compares every statement's bytes and every instruction's text; returns how many instructions objdump listed. */
    private static int compare(Target t, Codec codec, List<Line> lines, Program program, byte[] gnu, String dump, List<String> failures) {
        Map<Integer, Long> gnuAddress = new HashMap<>();
        TreeMap<Long, String> gnuText = new TreeMap<>();
        for (String l : dump.split("\n")) {
            Matcher s = SYMBOL.matcher(l.trim());
            if (s.matches()) {
                gnuAddress.put(Integer.parseInt(s.group(2).substring(1)), Long.parseLong(s.group(1), 16));
                continue;
            }
            Matcher i = INSN.matcher(l);
            if (i.matches()) {
                gnuText.put(Long.parseLong(i.group(1), 16), i.group(3));
            }
        }
        for (int k = 0; k < lines.size(); k++) {
            long h = program.labels().get("f" + k);
            long hEnd = k + 1 < lines.size() ? program.labels().get("f" + (k + 1)) : program.bytes().length;
            Long g = gnuAddress.get(k);
            if (g == null) {
                failures.add("objdump shows no symbol f" + k + " for '" + lines.get(k).source() + "'");
                continue;
            }
            // The last statement ends where hcsim's does: GNU as pads the section's end (s390 with nopr %r7).
            long gEnd = k + 1 < lines.size() && gnuAddress.containsKey(k + 1) ? gnuAddress.get(k + 1) : Math.min(gnu.length, g + hEnd - h);
            String hb = Bytes.hex(program.bytes(), (int) h, (int) (hEnd - h));
            String gb = Bytes.hex(gnu, (int) (long) g, (int) (gEnd - g));
            if (!hb.equals(gb)) {
                failures.add("'" + lines.get(k).source() + "': GNU as " + gb + ", hcsim " + hb);
            }
            for (Map.Entry<Long, String> e : gnuText.subMap(g, gEnd).entrySet()) {
                long at = e.getKey();
                String want = normalize(e.getValue(), t.comment());
                String got = normalize(codec.decode(gnu, (int) at, (int) (gEnd - at), at).text(), t.comment());
                boolean rawGap = lines.get(k).raw() && want.matches("0x[0-9a-f]+|\\.word.*|\\.long.*");
                if (!want.equals(got) && !rawGap) {
                    failures.add("'" + lines.get(k).source() + "' at 0x" + Long.toHexString(at) + ": objdump '" + want + "', hcsim '" + got + "'");
                }
            }
        }
        return gnuText.size();
    }

    /** objdump's text and hcsim's compared alike: one space, no symbol annotations or comments, 0x on addresses. */
    static String normalize(String text, String comment) {
        String s = text;
        int c = s.indexOf(comment.equals("#") ? "\t#" : comment);
        if (c < 0 && comment.equals("#")) {
            c = s.indexOf(" # ");
        }
        if (c >= 0) {
            s = s.substring(0, c);
        }
        Matcher m = Pattern.compile("(^|[\\s,])([0-9a-f]+) <[^>]*>").matcher(s);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(sb, Matcher.quoteReplacement(m.group(1) + "0x" + m.group(2)));
        }
        m.appendTail(sb);
        return sb.toString().replaceAll("\\s+", " ").trim();
    }

    /** The program: each statement under its label f0, f1, ... ; raw forms as hcsim's bytes once hcsim has assembled them. */
    private static String source(List<Line> lines, Program program, Codec codec) {
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < lines.size(); k++) {
            sb.append('f').append(k).append(":\n");
            Line l = lines.get(k);
            if (l.raw() && program != null) {
                long at = program.labels().get("f" + k);
                long end = k + 1 < lines.size() ? program.labels().get("f" + (k + 1)) : program.bytes().length;
                sb.append(".byte ");
                for (long i = at; i < end; i++) {
                    sb.append(i > at ? "," : "").append("0x").append(Integer.toHexString(program.bytes()[(int) i] & 0xFF));
                }
                sb.append('\n');
            } else {
                sb.append(l.source()).append('\n');
            }
        }
        return sb.toString();
    }

    private static List<String> forms(String arch) throws IOException {
        try (InputStream in = BinutilsCrossCheckTest.class.getResourceAsStream("/binutils/" + arch + ".forms")) {
            if (in == null) {
                throw new AssertionError("no binutils/" + arch + ".forms");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(String::trim)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        }
    }

    /** Boundary instances of every form (low ends, high ends, zero), then OPERANDS random ones; labels resolved last. */
    static List<Line> generate(List<String> forms, Random rnd) {
        List<String> texts = new ArrayList<>();
        List<Boolean> raws = new ArrayList<>();
        // "!skip REGEX -- why": statements a known, reported disagreement would fail; each names its reason in the forms file.
        List<Pattern> skips = forms.stream().filter(f -> f.startsWith("!skip ")).map(f -> Pattern.compile(f.substring(6, f.lastIndexOf(" -- ")))).toList();
        for (String form : forms) {
            if (form.startsWith("!skip ")) {
                continue;
            }
            boolean raw = form.contains("@raw");
            String f = form.replace("@raw", "");
            for (int mode = 0; mode < 3 + OPERANDS; mode++) {
                String text = instantiate(f, mode, rnd);
                if (skips.stream().noneMatch(p -> p.matcher(text).matches())) {
                    texts.add(text);
                    raws.add(raw);
                }
            }
        }
        List<Line> out = new ArrayList<>();
        for (int k = 0; k < texts.size(); k++) {
            int target = Math.max(0, Math.min(texts.size() - 1, k + rnd.nextInt(17) - 8));
            out.add(new Line(texts.get(k).replace("{L}", "f" + target), raws.get(k)));
        }
        return out;
    }

    /**
     * Fills the placeholders: mode 0 the low ends, 1 the high ends, 2 zero where allowed, else random.
     * {@code {i:LO:HI[:STEP]}} is a number written in decimal or hex, {@code {n:LO:HI}} one always in
     * decimal (register numbers), {@code {c:a|b}} a choice, {@code {L}} a nearby statement's label.
     */
    private static String instantiate(String form, int mode, Random rnd) {
        Matcher m = PLACEHOLDER.matcher(form);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String p = m.group(1);
            String v;
            if (p.equals("L")) {
                v = "{L}";
            } else if (p.startsWith("c:")) {
                String[] choices = p.substring(2).split("\\|", -1);
                v = choices[mode == 0 ? 0 : mode == 1 ? choices.length - 1 : rnd.nextInt(choices.length)];
            } else {
                String[] r = p.substring(2).split(":");
                long lo = Long.parseLong(r[0]);
                long hi = Long.parseUnsignedLong(r[1]);
                long step = r.length > 2 ? Long.parseLong(r[2]) : 1;
                long n;
                if (mode == 0) {
                    n = lo;
                } else if (mode == 1) {
                    n = hi;
                } else if (mode == 2 && lo <= 0 && Long.compareUnsigned(0, hi) <= 0) {
                    n = 0;
                } else {
                    long span = hi - lo;
                    long k = span < 0 ? rnd.nextLong() : (long) (rnd.nextDouble() * (span / step + 1));
                    n = span < 0 ? k : lo + k * step;
                }
                boolean hex = p.startsWith("i:") && rnd.nextBoolean() && n >= 0;
                v = hex ? "0x" + Long.toHexString(n) : (hi < 0 || n < 0 || lo < 0 ? Long.toString(n) : Long.toUnsignedString(n));
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(v));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    private static boolean available(String tool) {
        try {
            Process p = new ProcessBuilder(tool, "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /** Runs a tool; its standard error is returned (GNU as warnings), a failure is an assertion naming it. */
    private static String run(List<String> cmd) throws IOException, InterruptedException {
        Path out = Files.createTempFile("hcsim-binutils", ".out");
        Path err = Files.createTempFile("hcsim-binutils", ".err");
        try {
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(300, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(cmd.get(0) + " did not finish in 300 s");
            }
            String e = Files.readString(err);
            if (p.exitValue() != 0) {
                throw new AssertionError(String.join(" ", cmd) + " failed: " + e.lines().limit(20).reduce("", (a, b) -> a + "\n  " + b));
            }
            String o = Files.readString(out);
            return cmd.get(0).endsWith("as") ? e : o;
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
