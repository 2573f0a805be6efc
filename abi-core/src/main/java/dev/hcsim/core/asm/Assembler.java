package dev.hcsim.core.asm;

import static org.apiguardian.api.API.Status.INTERNAL;

import com.google.common.base.CharMatcher;
import com.google.common.base.Splitter;
import dev.hcsim.core.Bytes;
import dev.hcsim.core.Program;
import dev.hcsim.core.spi.Codec;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apiguardian.api.API;

/**
 * The shared two-pass (relaxing) assembler: parses lines, labels and data directives, and asks the
 * architecture's {@link Codec} to encode each statement. Passes repeat until every label keeps its
 * address, as GNU {@code as} relaxes branches. Directives: {@code .byte .short .long .quad .zero
 * .balign}.
 */
@API(status = INTERNAL, since = "1.0")
public final class Assembler {
    private static final Splitter LINES = Splitter.on('\n');
    private static final Splitter STATEMENTS = Splitter.on(';');
    /** The characters of a label: GNU as symbol names, {@code [A-Za-z_.$][A-Za-z0-9_.$]*}. */
    private static final CharMatcher LABEL_START = CharMatcher.inRange('A', 'Z').or(CharMatcher.inRange('a', 'z')).or(CharMatcher.anyOf("_.$"));
    private static final CharMatcher LABEL_PART = LABEL_START.or(CharMatcher.inRange('0', '9'));
    private static final int MAX_PASSES = 32;
    /** The character in a local label's internal name (gas uses ^B too): no source can spell it. */
    private static final char LOCAL_MARK = '\u0002';

    private Assembler() {
    }

    private record Item(String label, Statement statement, int line, String shown) {
    }

    /** The most bytes one program may assemble to (checked statement by statement, before the bytes are kept). */
    public static final int MAX_PROGRAM_BYTES = 16 << 20;

    /**
     * Assembles {@code source} (lines separated by newlines or {@code ;}) at {@code origin}.
     * @param codec the architecture's codec that encodes each statement
     * @param source the assembly text: statements, labels ({@code name:}) and comments
     * @param origin the guest address of the first byte
     * @return the program: bytes, labels and a listing
     * @throws AsmException with the line and a one-line message for any statement that does not assemble
     */
    public static Program assemble(Codec codec, String source, long origin) {
        return assemble(codec, source, origin, MAX_PROGRAM_BYTES);
    }

    /**
     * Assembles as {@link #assemble(Codec, String, long)}, refusing a program larger than {@code maxBytes} before it
     * is kept (a run's total allowance).
     * @param codec the architecture's codec that encodes each statement
     * @param source the assembly text
     * @param origin the guest address of the first byte
     * @param maxBytes the most bytes the program may assemble to (at most {@link #MAX_PROGRAM_BYTES})
     * @return the program
     * @throws AsmException with the line and a one-line message for any statement that does not assemble
     */
    public static Program assemble(Codec codec, String source, long origin, long maxBytes) {
        long max = Math.min(maxBytes, MAX_PROGRAM_BYTES);
        List<Item> items = parse(codec, source);
        Map<String, Long> labels = new HashMap<>();
        for (Item it : items) {
            if (it.label() != null && labels.put(it.label(), 0L) != null) { // local labels have one name per definition
                throw new AsmException(it.line(), "label '" + it.label() + "' defined twice");
            }
        }
        Map<String, Long> previous = null;
        for (int pass = 0; pass < MAX_PASSES; pass++) {
            boolean last = previous != null && previous.equals(labels);
            Map<String, Long> current = new HashMap<>();
            long pc = origin;
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            List<Program.Line> listing = new ArrayList<>();
            for (Item it : items) {
                if (it.label() != null) {
                    current.put(it.label(), pc);
                    listing.add(new Program.Line(pc, new byte[0], it.shown() + ":", it.line()));
                    continue;
                }
                Statement st = it.statement();
                Ctx ctx = new Ctx(pc, last, labels, pass == 0);
                byte[] bytes = st.mnemonic().startsWith(".") ? directive(codec, st, ctx) : codec.encode(st, ctx);
                if (pc - origin + bytes.length > max) {
                    throw st.error(max == MAX_PROGRAM_BYTES ? "the program is larger than " + max + " bytes, the most one program may assemble to"
                            : "the program is larger than the " + max + " bytes left of the run's allowance for assembled programs");
                }
                out.write(bytes, 0, bytes.length);
                listing.add(new Program.Line(pc, bytes, st.source().trim(), st.line()));
                pc += bytes.length;
            }
            if (last) {
                Map<String, Long> named = new LinkedHashMap<>(labels);
                named.keySet().removeIf(k -> k.indexOf(LOCAL_MARK) >= 0); // local labels stay out, as gas keeps them out of the symbol table
                return new Program(origin, out.toByteArray(), named, listing);
            }
            previous = labels;
            labels = current;
        }
        throw new AsmException(0, "label addresses did not settle after " + MAX_PASSES + " passes");
    }

    private static List<Item> parse(Codec codec, String source) {
        List<Item> items = new ArrayList<>();
        // GNU local labels (gas doc "Local Labels"): "N:" may be defined any number of times; "Nb" is its latest
        // definition before the reference, "Nf" its next one after. Each definition gets a name of its own.
        Map<String, Integer> defined = new HashMap<>();
        List<Object[]> pending = new ArrayList<>(); // {text, line, index in items, definitions seen so far}
        // no regular expressions here: the Explorer page runs this code compiled to JavaScript
        List<String> lines = LINES.splitToList(source);
        for (int n = 0; n < lines.size(); n++) {
            String raw = lines.get(n);
            String line = stripComment(raw.endsWith("\r") ? raw.substring(0, raw.length() - 1) : raw, codec.commentPrefixes());
            for (String part : STATEMENTS.split(line)) {
                String text = part.trim();
                int end;
                while ((end = labelEnd(text)) > 0 || (end = localLabelEnd(text)) > 0) {
                    String name = text.substring(0, end);
                    if (Character.isDigit(name.charAt(0))) {
                        int k = defined.merge(name, 1, Integer::sum);
                        items.add(new Item(localName(name, k), null, n + 1, name));
                    } else {
                        items.add(new Item(name, null, n + 1, name));
                    }
                    text = text.substring(end + 1).trim();
                }
                if (!text.isEmpty()) {
                    pending.add(new Object[] {text, n + 1, items.size(), new HashMap<>(defined)});
                    items.add(null);
                }
            }
        }
        for (Object[] p : pending) {
            String text = (String) p[0];
            int lineNo = (Integer) p[1];
            @SuppressWarnings("unchecked")
            Map<String, Integer> seen = (Map<String, Integer>) p[3];
            String resolved = resolveLocal(text, lineNo, seen, defined);
            Statement st = statement(resolved, lineNo);
            items.set((Integer) p[2], new Item(null, new Statement(st.mnemonic(), st.operands(), lineNo, text), lineNo, null));
        }
        return items;
    }

    /** The internal name of the {@code k}-th definition of local label {@code n} (a name no source can spell: gas uses ^B). */
    private static String localName(String n, int k) {
        // a StringBuilder, not '+': TeaVM 0.16's StringConcatFactory mistakes a \u0002 constant for a recipe tag
        return new StringBuilder(".L").append(n).append(LOCAL_MARK).append(k).toString();
    }

    /** The index of the ':' ending a GNU local label ({@code [0-9]+:}) at the start of {@code text}, or -1. */
    private static int localLabelEnd(String text) {
        int i = 0;
        while (i < text.length() && Character.isDigit(text.charAt(i)) && text.charAt(i) < 128) {
            i++;
        }
        return i > 0 && i < text.length() && text.charAt(i) == ':' ? i : -1;
    }

    /** {@code text} with every {@code Nb}/{@code Nf} token replaced by the name of the definition it means. */
    private static String resolveLocal(String text, int line, Map<String, Integer> seen, Map<String, Integer> total) {
        StringBuilder out = null;
        int copied = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9' || (i > 0 && LABEL_PART.matches(text.charAt(i - 1)))) {
                continue;
            }
            int j = i;
            while (j < text.length() && text.charAt(j) >= '0' && text.charAt(j) <= '9') {
                j++;
            }
            if (j >= text.length() || (text.charAt(j) != 'f' && text.charAt(j) != 'b')
                    || (j + 1 < text.length() && LABEL_PART.matches(text.charAt(j + 1)))) {
                i = j;
                continue;
            }
            String n = text.substring(i, j);
            int before = seen.getOrDefault(n, 0);
            int k = text.charAt(j) == 'b' ? before : before + 1;
            if (k == 0 || k > total.getOrDefault(n, 0)) {
                throw new AsmException(line, "undefined local label " + text.substring(i, j + 1) + " (no " + n + ": "
                        + (text.charAt(j) == 'b' ? "before" : "after") + " it)");
            }
            if (out == null) {
                out = new StringBuilder();
            }
            out.append(text, copied, i).append(localName(n, k));
            copied = j + 1;
            i = j;
        }
        return out == null ? text : out.append(text.substring(copied)).toString();
    }

    /** The index of the ':' ending a label at the start of {@code text}, or -1 when it does not start with one. */
    private static int labelEnd(String text) {
        if (text.isEmpty() || !LABEL_START.matches(text.charAt(0))) {
            return -1;
        }
        int i = 1;
        while (i < text.length() && LABEL_PART.matches(text.charAt(i))) {
            i++;
        }
        return i < text.length() && text.charAt(i) == ':' ? i : -1;
    }

    private static String stripComment(String line, List<String> prefixes) {
        int cut = line.length();
        for (String p : prefixes) {
            int i = line.indexOf(p);
            if (i >= 0 && i < cut) {
                cut = i;
            }
        }
        return line.substring(0, cut);
    }

    /**
     * Splits one statement's text into mnemonic and top-level comma-separated operands.
     * @param text the statement, without label or comment
     * @param line its 1-based source line
     * @return the statement, its mnemonic in lower case
     */
    public static Statement statement(String text, int line) {
        String t = text.trim();
        int sp = 0;
        while (sp < t.length() && !Character.isWhitespace(t.charAt(sp))) {
            sp++;
        }
        String mnemonic = t.substring(0, sp).toLowerCase(Locale.ROOT);
        String rest = t.substring(sp).trim();
        List<String> ops = new ArrayList<>();
        if (!rest.isEmpty()) {
            int depth = 0;
            int start = 0;
            for (int i = 0; i < rest.length(); i++) {
                char c = rest.charAt(i);
                if (c == '(' || c == '[' || c == '{') {
                    depth++;
                } else if (c == ')' || c == ']' || c == '}') {
                    depth--;
                } else if (c == ',' && depth == 0) {
                    ops.add(rest.substring(start, i).trim());
                    start = i + 1;
                }
            }
            ops.add(rest.substring(start).trim());
        }
        return new Statement(mnemonic, ops, line, text);
    }

    private static byte[] directive(Codec codec, Statement st, AsmContext ctx) {
        boolean be = codec.byteOrder() == java.nio.ByteOrder.BIG_ENDIAN;
        int size;
        switch (st.mnemonic()) {
            case ".byte" -> size = 1;
            case ".short", ".hword", ".2byte" -> size = 2;
            case ".long", ".int", ".4byte" -> size = 4;
            case ".quad", ".8byte", ".dword" -> size = 8;
            case ".zero", ".skip", ".space" -> {
                long n = ctx.evaluate(st.operand(0), st);
                if (n < 0 || n > (1 << 20)) {
                    throw st.error("size must be 0..1048576");
                }
                return new byte[(int) n];
            }
            case ".balign", ".p2align" -> {
                long a = ctx.evaluate(st.operand(0), st);
                if (st.mnemonic().equals(".p2align")) {
                    if (a < 0 || a > 12) { // 1L << 64 would wrap to 1 and be accepted silently
                        throw st.error("alignment must be a power of two up to 4096 (.p2align 0..12)");
                    }
                    a = 1L << a;
                }
                if (a <= 0 || Long.bitCount(a) != 1 || a > 4096) {
                    throw st.error("alignment must be a power of two up to 4096");
                }
                int pad = (int) ((a - (ctx.pc() & (a - 1))) & (a - 1));
                return new byte[pad];
            }
            default -> {
                byte[] own = codec.directive(st, ctx);
                if (own == null) {
                    throw st.error("unknown directive " + st.mnemonic());
                }
                return own;
            }
        }
        if (st.operands().isEmpty()) {
            throw st.error("needs at least one value");
        }
        byte[] out = new byte[size * st.operands().size()];
        for (int i = 0; i < st.operands().size(); i++) {
            Bytes.put(out, i * size, size, ctx.evaluate(st.operands().get(i), st), be);
        }
        return out;
    }

    private static final class Ctx implements AsmContext {
        private final long pc;
        private final boolean last;
        private final Map<String, Long> labels;
        private final boolean first;

        Ctx(long pc, boolean last, Map<String, Long> labels, boolean first) {
            this.pc = pc;
            this.last = last;
            this.labels = labels;
            this.first = first;
        }

        @Override
        public long pc() {
            return pc;
        }

        @Override
        public boolean finalPass() {
            return last;
        }

        @Override
        public boolean isLabel(String text) {
            return labels.containsKey(text.trim());
        }

        @Override
        public long evaluate(String expression, Statement at) {
            String e = expression.trim();
            if (e.isEmpty()) {
                throw at.error("empty expression");
            }
            // label +/- number, or number
            int split = -1;
            for (int i = 1; i < e.length(); i++) {
                char c = e.charAt(i);
                if ((c == '+' || c == '-') && Character.toLowerCase(e.charAt(i - 1)) != 'e') {
                    split = i;
                }
            }
            if (split > 0 && !Character.isDigit(e.charAt(0)) && e.charAt(0) != '-') {
                return term(e.substring(0, split).trim(), at) + (e.charAt(split) == '-' ? -1 : 1) * term(e.substring(split + 1).trim(), at);
            }
            return term(e, at);
        }

        private long term(String t, Statement at) {
            if (!t.isEmpty() && (Character.isDigit(t.charAt(0)) || t.charAt(0) == '-')) {
                try {
                    return Bytes.parseNumber(t);
                } catch (IllegalArgumentException ex) {
                    throw at.error(ex.getMessage());
                }
            }
            Long v = labels.get(t);
            if (v == null) {
                throw at.error("undefined symbol '" + t + "'");
            }
            // On the first pass every label still reads 0; use the statement's own address so that
            // branches start in their short form, as GNU as does before relaxation.
            return first ? pc : v;
        }
    }
}
