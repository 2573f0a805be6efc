package dev.hcsim.core.translate;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.SourceDSL;

/**
 * Random guest programs from an architecture's instruction forms, for the differential properties. A form is
 * assembler text with placeholders: {@code {c:a|b}} a choice, {@code {i:LO:HI[:STEP]}} a number, {@code {R}} a
 * register to write, {@code {S}} a register to read, {@code {L}} a label of the program ({@code l0} .. {@code lN}, one
 * before each instruction and one at the end), so that branches go forwards and backwards inside the program.
 */
public final class ProgramForms {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(c:[^}]*|i:[^}]*|R|S|L)\\}");

    private final List<String> forms;
    private final List<String> write;
    private final List<String> read;
    private final String end;

    /**
     * @param forms the instruction forms
     * @param write the registers a form may write
     * @param read the registers a form may read
     * @param end the program's last line (a trap or wait), after the last label
     */
    public ProgramForms(List<String> forms, List<String> write, List<String> read, String end) {
        this.forms = List.copyOf(forms);
        this.write = List.copyOf(write);
        this.read = List.copyOf(read);
        this.end = end;
    }

    /**
     * These forms and {@code more}, with the same registers and end line.
     * @param more forms to add (a form may be several lines: it is placed whole, with one label before it)
     * @return the larger set of forms
     */
    public ProgramForms with(String... more) {
        List<String> all = new ArrayList<>(forms);
        all.addAll(List.of(more));
        return new ProgramForms(all, write, read, end);
    }

    /**
     * Programs of 1 to {@code maxLength} instructions, then the end line.
     * @param maxLength the most instructions
     * @return the generator of program sources
     */
    public Gen<String> programs(int maxLength) {
        return SourceDSL.longs().all().map(seed -> program(new SplittableRandom(seed), maxLength));
    }

    /**
     * One program of 1 to {@code maxLength} instructions, then the end line.
     * @param prng the random source
     * @param maxLength the most instructions
     * @return the program's source
     */
    public String program(SplittableRandom prng, int maxLength) {
        int n = 1 + prng.nextInt(maxLength);
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < n; k++) {
            String form = forms.get(prng.nextInt(forms.size()));
            sb.append('l').append(k).append(": ").append(instantiate(form, n, prng)).append('\n');
        }
        return sb.append('l').append(n).append(": ").append(end).append('\n').toString();
    }

    private String instantiate(String form, int labels, SplittableRandom prng) {
        Matcher m = PLACEHOLDER.matcher(form);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String p = m.group(1);
            String v = switch (p) {
                case "R" -> write.get(pick(prng, write.size()));
                case "S" -> read.get(pick(prng, read.size()));
                case "L" -> "l" + pick(prng, labels + 1);
                default -> p.startsWith("c:") ? choice(p, prng) : number(p, prng);
            };
            m.appendReplacement(sb, Matcher.quoteReplacement(v));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    private static int pick(SplittableRandom prng, int n) {
        return prng.nextInt(n);
    }

    private static String choice(String p, SplittableRandom prng) {
        String[] c = p.substring(2).split("\\|", -1);
        return c[pick(prng, c.length)];
    }

    private static String number(String p, SplittableRandom prng) {
        String[] r = p.substring(2).split(":");
        long lo = Long.parseLong(r[0]);
        long hi = Long.parseLong(r[1]);
        long step = r.length > 2 ? Long.parseLong(r[2]) : 1;
        int edge = prng.nextInt(8);
        long n = edge == 0 ? lo : edge == 1 ? hi : hi == Long.MAX_VALUE && lo == Long.MIN_VALUE ? prng.nextLong() : lo + (long) (prng.nextDouble() * ((double) hi - lo));
        return Long.toString(n - Math.floorMod(n - lo, step));
    }

    /**
     * Names {@code prefix + i} for i in {@code from..to}, leaving out {@code except}.
     * @param prefix the name's prefix
     * @param from the first number
     * @param to the last number
     * @param except numbers to leave out
     * @return the names
     */
    public static List<String> names(String prefix, int from, int to, int... except) {
        List<String> out = new ArrayList<>();
        outer:
        for (int i = from; i <= to; i++) {
            for (int e : except) {
                if (e == i) {
                    continue outer;
                }
            }
            out.add(prefix + i);
        }
        return out;
    }
}
