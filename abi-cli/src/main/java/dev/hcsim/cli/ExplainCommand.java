package dev.hcsim.cli;

import dev.hcsim.core.Vm;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.engine.Engine;
import dev.hcsim.core.spi.Architecture;
import dev.hcsim.views.AbiData;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code hcsim explain}: the trap contract, every fault and exit, and every hypercall, from the data that dispatches. */
@Command(name = "explain", description = {"Print an architecture's trap contract, every fault and exit it can produce, status codes, hypercalls, features and options.",
    "Architecture options (--NAME VALUE) and --feature/--no-feature show what a VM so configured offers."})
final class ExplainCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--arch", required = true)
    String arch;

    @Option(names = "--format", defaultValue = "text", description = "text or json")
    String format;

    @Option(names = "--feature")
    List<String> featuresOn = new ArrayList<>();

    @Option(names = "--no-feature")
    List<String> featuresOff = new ArrayList<>();

    @Override
    public Integer call() {
        Architecture a = ArchOptions.arch(arch);
        VmConfig.Builder b = VmConfig.builder(a.name());
        featuresOn.forEach(f -> b.feature(f, true));
        featuresOff.forEach(f -> b.feature(f, false));
        ArchOptions.apply(a, spec, b);
        Vm vm = Engine.create(a, b.build());
        Map<String, Object> d = AbiData.of(a, vm);
        PrintWriter out = spec.commandLine().getOut();
        if (format.equals("json")) {
            out.println(Json.pretty(d));
        } else if (format.equals("text")) {
            text(d, out);
        } else {
            throw new IllegalArgumentException("--format must be text or json, got '" + format + "'");
        }
        return 0;
    }

    private static void produced(List<Map<String, Object>> list, PrintWriter out) {
        for (Map<String, Object> p : list) {
            String outcome = p.get("outcome").equals("EXIT_TO_HOST") ? "" : p.get("outcome") + " ";
            out.println("  " + outcome + p.get("kind"));
            out.println("               " + p.get("condition"));
            out.println("               " + p.get("source"));
        }
    }

    @SuppressWarnings("unchecked")
    static void text(Map<String, Object> d, PrintWriter out) {
        out.println(d.get("arch") + ": " + d.get("title") + "   (byte order " + d.get("byteOrder") + "; aliases " + d.get("aliases") + ")");
        Map<String, Object> c = (Map<String, Object>) d.get("contract");
        out.println();
        out.println("Trap contract");
        out.println("  trap instructions   " + c.get("trapInstructions") + "   (default bytes " + c.get("trapBytes") + ")");
        out.println("  number              " + c.get("numberRegister") + " (" + c.get("numberBits") + " bits compared)");
        out.println("  arguments           " + String.join(", ", (List<String>) c.get("argumentRegisters")));
        out.println("  results             " + String.join(", ", (List<String>) c.get("resultRegisters")) + "   (unset results: "
                + c.get("unsetResults") + ")");
        out.println("  preserved           " + String.join(", ", (List<String>) c.get("preservedRegisters")));
        out.println("  32-bit mode         " + c.get("narrowMode"));
        out.println("  PC                  " + c.get("pc"));
        out.println("  privilege           " + c.get("privilege"));
        for (String n : (List<String>) c.get("notes")) {
            out.println("  note                " + n);
        }
        out.println();
        out.println("Faults (outcome, TrapResult.fault().kind(); when; kernel source)");
        produced((List<Map<String, Object>>) d.get("faults"), out);
        out.println();
        out.println("Exits to the host (TrapResult.exit().kind(); when; kernel source)");
        produced((List<Map<String, Object>>) d.get("exits"), out);
        Map<String, Object> s = (Map<String, Object>) d.get("status");
        out.println();
        out.println("Status codes (" + s.get("family") + ")");
        ((Map<String, String>) s.get("codes")).forEach((k, v) -> out.printf(Locale.ROOT, "  %-18s %s%n", k, v));
        out.println();
        out.println("Hypercalls (number, name, offered by this VM, statuses; summary; kernel source)");
        for (Map<String, Object> h : (List<Map<String, Object>>) d.get("hypercalls")) {
            out.printf(Locale.ROOT, "  %-12s %-34s %-4s %s%n", h.get("number"), h.get("name"), Boolean.TRUE.equals(h.get("offeredByThisVm")) ? "yes" : "no",
                    String.join(" ", (List<String>) h.get("statuses")) + (h.get("feature") != null ? "   [feature " + h.get("feature") + "]" : ""));
            out.println("               " + h.get("summary") + (h.get("availability").equals("implemented") ? "" : " (" + h.get("availability") + ")"));
            out.println("               " + h.get("source"));
        }
        for (Map<String, Object> f : (List<Map<String, Object>>) d.get("otherAbis")) {
            out.println();
            out.println("Also on this trap: " + f.get("name") + ", " + f.get("selectedBy"));
            for (String rule : (List<String>) f.get("convention")) {
                out.println("  " + rule);
            }
            for (Map<String, Object> h : (List<Map<String, Object>>) f.get("calls")) {
                out.printf(Locale.ROOT, "  %-12s %-40s %s%n", h.get("number"), h.get("name"), String.join(" ", (List<String>) h.get("statuses")));
                out.println("               " + h.get("summary"));
                out.println("               " + h.get("source"));
            }
        }
        out.println();
        out.println("Features (default / this VM)");
        for (Map<String, Object> f : (List<Map<String, Object>>) d.get("features")) {
            out.printf(Locale.ROOT, "  %-24s %-3s / %-3s  %s%n", f.get("name"), f.get("default"), f.get("thisVm"), f.get("description"));
        }
        out.println();
        out.println("Options (--NAME VALUE; default / this VM)");
        for (Map<String, Object> o : (List<Map<String, Object>>) d.get("options")) {
            out.printf(Locale.ROOT, "  --%-22s %s; %s / %s  %s%n", o.get("name"), String.join("|", (List<String>) o.get("values")), o.get("default"),
                    o.get("thisVm"), o.get("description"));
        }
        out.println();
        List<String> controls = (List<String>) d.get("vmmControls");
        out.println("VMM-side controls (Vm.control(): KVM ioctl, id or group/attr, KVM's answers)");
        if (controls.isEmpty()) {
            out.println("  none: ONE_REG -ENOENT, device attributes -ENXIO, capabilities -EINVAL, MSRs and CPUID -ENOTTY");
        }
        for (String x : controls) {
            out.println("  " + x);
        }
        out.println();
        out.println("vCPU ids: " + d.get("vcpuId"));
        out.println("Discovery: " + d.get("discovery"));
        List<String> diffs = (List<String>) d.get("docDifferences");
        if (!diffs.isEmpty()) {
            out.println();
            out.println("Where the kernel's documentation and its code disagree");
            for (String x : diffs) {
                out.println("  - " + x);
            }
        }
    }
}
