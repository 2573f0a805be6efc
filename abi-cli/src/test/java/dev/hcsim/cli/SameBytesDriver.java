package dev.hcsim.cli;

import java.io.FileDescriptor;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Runs one fixed list of hcsim command lines in this JVM on the process's standard streams, as {@link Main#main}
 * does, writing pictures and traces under the working directory. {@link SameBytesTest} starts it in
 * JVMs with different default locales and charsets and compares everything it printed and wrote, byte for byte.
 */
public final class SameBytesDriver {
    private SameBytesDriver() {
    }

    /**
     * The command lines: every command, with traces, pictures and error messages.
     *
     * @param examples the scenario folder
     * @return the command lines, each one array of arguments
     */
    static List<String[]> commands(Path examples) throws IOException {
        List<String[]> c = new ArrayList<>();
        c.add(new String[] {});
        c.add(new String[] {"call", "--arch", "x86", "--vcpus", "4", "rax=10", "rbx=0xb", "rcx=0", "rdx=0", "rsi=0xec", "--explain"});
        c.add(new String[] {"call", "--arch", "arm64", "--vcpus", "2", "x0=0x84000001", "--explain"});
        c.add(new String[] {"call", "--arch", "s390", "r1=0x2c", "--format", "text"});
        c.add(new String[] {"call", "--arch", "ppc", "r11=0x6", "--explain"});
        c.add(new String[] {"call", "--arch", "mips", "v0=0x3", "--explain"});
        c.add(new String[] {"call", "--arch", "loongarch", "a0=0x0", "--explain"});
        for (String arch : new String[] {"x86", "s390", "ppc", "mips", "loongarch", "arm64"}) {
            c.add(new String[] {"explain", "--arch", arch});
            c.add(new String[] {"explain", "--arch", arch, "--format", "json"});
        }
        c.add(new String[] {"table"});
        c.add(new String[] {"table", "--format", "json"});
        c.add(new String[] {"table", "--format", "html"});
        c.add(new String[] {"asm", "--arch", "x86", "--listing", "--address", "0x1000", "mov $5, %rax; vmcall; hlt"});
        c.add(new String[] {"disasm", "--arch", "arm64", "020000d4"});
        List<Path> scenarios;
        try (Stream<Path> s = Files.list(examples)) {
            scenarios = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        for (Path p : scenarios) {
            String name = p.getFileName().toString().replace(".json", "");
            c.add(new String[] {"run", p.toString(), "--trace", "out/" + name + ".jsonl", "--svg", "out/" + name + ".svg", "--html",
                "out/" + name + ".html"});
        }
        c.add(new String[] {"run", "--format", "json", scenarios.get(0).toString()});
        c.add(new String[] {"run", "unicode.json"});
        // error messages: unknown architecture, a bad value, a malformed scenario with its line:column
        c.add(new String[] {"call", "--arch", "nope"});
        c.add(new String[] {"call", "--arch", "x86", "rax=zz"});
        c.add(new String[] {"run", "bad.json"});
        c.add(new String[] {"run", "missing.json"});
        return c;
    }

    /**
     * Runs {@link #commands} and prints a header and the exit code around each.
     *
     * @param args the scenario folder
     * @throws IOException when the folder cannot be listed
     */
    public static void main(String[] args) throws IOException {
        Files.createDirectories(Path.of("out"));
        Files.writeString(Path.of("bad.json"), "{\n  \"vms\": [ 1, 2,\n    ]\n}\n", StandardCharsets.UTF_8);
        // a scenario whose title is not ASCII: it reaches stdout, where a platform-charset writer would print '?'
        String ipi = Files.readString(Path.of(args[0], "x86-send-ipi.json"), StandardCharsets.UTF_8);
        Files.writeString(Path.of("unicode.json"), ipi.replace("\"title\": \"", "\"title\": \"Größe — naïve IPI → "), StandardCharsets.UTF_8);
        PrintWriter out = Main.utf8(FileDescriptor.out);
        PrintWriter err = Main.utf8(FileDescriptor.err);
        for (String[] a : commands(Path.of(args[0]))) {
            String line = "### hcsim " + String.join(" ", a).replace(args[0], "EXAMPLES");
            out.println(line);
            err.println(line);
            int code = Main.launch(a);
            out.println("### exit " + code);
        }
        out.flush();
        err.flush();
    }
}
