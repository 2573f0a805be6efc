package dev.hcsim.cli;

import dev.hcsim.core.scenario.Scenario;
import dev.hcsim.core.scenario.ScenarioException;
import dev.hcsim.core.scenario.ScenarioReader;
import dev.hcsim.core.scenario.ScenarioRunner;
import dev.hcsim.core.sched.Machine;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What one {@code hcsim run} may read and allocate in total, checked before the allocation: a command line of
 * many large files, or files of many huge VMs, gets one clear error instead of running the JVM out of memory. With
 * these limits and the default budgets, any accepted run ends within about a minute in a 256 MiB heap
 * (docs/robustness.md gives the figures measured).
 */
final class RunLimits {
    /** Most scenario files on one command line. */
    static final int MAX_FILES = 256;
    /** Most bytes read from all files together. */
    static final long MAX_TOTAL_INPUT_BYTES = 16L << 20;
    /** Most vCPUs of all VMs of all files together. */
    static final int MAX_TOTAL_VCPUS = 32_768;
    /** Most VMs of all files together. */
    static final int MAX_TOTAL_VMS = 1024;
    /** Most bytes all programs of all files may assemble to together. */
    static final long MAX_TOTAL_PROGRAM_BYTES = 32L << 20;
    /** Events of each scenario kept in memory for the text timeline and the HTML table (the trace file gets them all). */
    static final int KEPT_EVENTS = 10_000;

    private RunLimits() {
    }

    /** Reads every file ({@code -}: standard input, once), strictly, within the totals. */
    static List<Scenario> readAll(List<Path> files, InputStream stdin) {
        if (files.size() > MAX_FILES) {
            throw new IllegalArgumentException(files.size() + " scenario files given; one run takes at most " + MAX_FILES);
        }
        long inputLeft = MAX_TOTAL_INPUT_BYTES;
        int vcpus = 0;
        int vms = 0;
        boolean stdinUsed = false;
        List<Scenario> out = new ArrayList<>();
        for (Path f : files) {
            String name = f.toString();
            byte[] raw;
            long limit = ScenarioReader.MAX_FILE_BYTES;
            if (name.equals("-")) {
                if (stdinUsed) {
                    throw new IllegalArgumentException("- (standard input) is given twice; it can be read once");
                }
                stdinUsed = true;
                name = "<stdin>";
                raw = ScenarioReader.readLimited(stdin, name, limit);
            } else {
                raw = ScenarioReader.readBytes(f, limit);
            }
            if (raw.length > inputLeft) {
                throw new ScenarioException(Text.excerpt(name) + ": the files of one run may hold at most " + MAX_TOTAL_INPUT_BYTES
                        + " bytes together");
            }
            inputLeft -= raw.length;
            Scenario s = ScenarioReader.parse(ScenarioReader.decode(raw, name), name);
            for (Scenario.VmSpec vm : s.vms()) {
                vcpus += vm.vcpus();
                vms++;
            }
            if (vcpus > MAX_TOTAL_VCPUS) {
                throw new ScenarioException(Text.excerpt(name) + ": the VMs of one run may have at most " + MAX_TOTAL_VCPUS
                        + " vCPUs together; with this file they have " + vcpus);
            }
            if (vms > MAX_TOTAL_VMS) {
                throw new ScenarioException(Text.excerpt(name) + ": one run may have at most " + MAX_TOTAL_VMS + " VMs together; with this file it has "
                        + vms);
            }
            out.add(s);
        }
        return out;
    }

    /** Builds the machines of every scenario before any runs, within the total allowance for assembled programs. */
    static List<Map<String, Machine>> buildAll(List<Scenario> scenarios) {
        long[] programBytesLeft = {MAX_TOTAL_PROGRAM_BYTES};
        List<Map<String, Machine>> out = new ArrayList<>();
        for (Scenario s : scenarios) {
            out.add(ScenarioRunner.build(s, programBytesLeft));
        }
        return out;
    }
}
