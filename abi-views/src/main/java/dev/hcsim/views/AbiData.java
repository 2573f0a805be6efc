package dev.hcsim.views;

import dev.hcsim.core.Status;
import dev.hcsim.core.StatusCodec;
import dev.hcsim.core.TrapContract;
import dev.hcsim.core.Vm;
import dev.hcsim.core.engine.Engine;
import dev.hcsim.core.spi.Architecture;
import dev.hcsim.core.spi.FeatureSpec;
import dev.hcsim.core.spi.HypercallSpec;
import dev.hcsim.core.spi.OptionSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The ABI of one architecture as plain data (maps and lists), read from the same objects that
 * dispatch: the contract, the status codec, the hypercall specs, features and options. {@code explain}
 * and {@code table} print it; nothing here is written twice.
 */
public final class AbiData {
    private AbiData() {
    }

    /** The contract's faults or exits, each with its outcomes, kind, kernel condition and source. */
    private static List<Map<String, Object>> produced(TrapContract c, boolean exits) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (TrapContract.Produced p : c.produces()) {
            if (p.isExit() == exits) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("outcome", p.outcomeNames());
                m.put("kind", p.kind());
                m.put("condition", p.condition());
                m.put("source", p.source());
                out.add(m);
            }
        }
        return out;
    }

    /**
     * The ABI of {@code a} as {@code hcsim explain --format json} prints it.
     * @param a the architecture
     * @param vm a VM of it, whose features and options answer the "this VM" columns
     * @return keys and values in order: strings, numbers, booleans, lists and maps
     */
    public static Map<String, Object> of(Architecture a, Vm vm) {
        TrapContract c = a.contract();
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("arch", a.name());
        o.put("title", a.title());
        o.put("aliases", a.aliases());
        o.put("byteOrder", vm.byteOrder().toString());
        Map<String, Object> contract = new LinkedHashMap<>();
        contract.put("trapInstructions", c.trapInstructions());
        contract.put("trapBytes", dev.hcsim.core.Bytes.hex(dev.hcsim.core.sched.SingleCall.instructionBytes(vm, null)));
        contract.put("numberRegister", a.registers().name(c.numberRegister()));
        contract.put("numberBits", c.numberBits());
        contract.put("argumentRegisters", c.names(c.argumentRegisters()));
        contract.put("resultRegisters", c.names(c.resultRegisters()));
        contract.put("preservedRegisters", c.names(c.preservedRegisters()));
        contract.put("unsetResults", c.unsetResults().name().toLowerCase(Locale.ROOT));
        contract.put("narrowMode", c.narrowRule());
        contract.put("pc", c.pcRule());
        contract.put("privilege", c.privilegeRule());
        contract.put("notes", c.notes());
        o.put("contract", contract);
        o.put("faults", produced(c, false));
        o.put("exits", produced(c, true));
        StatusCodec sc = a.status();
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("family", sc.family());
        Map<String, String> codes = new LinkedHashMap<>();
        for (Map.Entry<Status, StatusCodec.Code> e : sc.codes().entrySet()) {
            codes.put(e.getKey().name(), e.getValue().name() + " = " + e.getValue().value());
        }
        status.put("codes", codes);
        o.put("status", status);
        List<Map<String, Object>> calls = new ArrayList<>();
        for (HypercallSpec h : a.hypercalls()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("number", "0x" + Long.toHexString(h.number()));
            m.put("name", h.name());
            m.put("feature", h.feature());
            m.put("offeredByThisVm", Engine.context(vm).hypercalls().isOffered(h.number()));
            m.put("availability", h.availability());
            StatusCodec hc = h.codec() != null ? h.codec() : sc;
            m.put("statuses", h.statuses().stream().map(s -> hc.documents(s) ? hc.name(s) : s.name()).toList());
            m.put("summary", h.summary());
            m.put("source", h.source());
            calls.add(m);
        }
        o.put("hypercalls", calls);
        List<Map<String, Object>> others = new ArrayList<>();
        for (dev.hcsim.core.spi.AbiFamily f : a.otherAbis()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", f.name());
            m.put("selectedBy", f.selectedBy());
            m.put("convention", f.convention());
            m.put("statusFamily", f.status().family());
            List<Map<String, Object>> fc = new ArrayList<>();
            for (dev.hcsim.core.spi.AbiFamily.Call x : f.calls()) {
                Map<String, Object> cm = new LinkedHashMap<>();
                cm.put("number", "0x" + Long.toHexString(x.number()));
                cm.put("name", x.name());
                cm.put("statuses", x.statuses());
                cm.put("summary", x.summary());
                cm.put("source", x.source());
                fc.add(cm);
            }
            m.put("calls", fc);
            others.add(m);
        }
        o.put("otherAbis", others);
        List<Map<String, Object>> feats = new ArrayList<>();
        for (FeatureSpec f : a.features()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", f.name());
            m.put("default", f.defaultOn() ? "on" : "off");
            m.put("thisVm", vm.feature(f.name()) ? "on" : "off");
            m.put("description", f.description());
            feats.add(m);
        }
        o.put("features", feats);
        List<Map<String, Object>> opts = new ArrayList<>();
        for (OptionSpec op : a.options()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", op.name());
            m.put("values", op.list() ? List.of("<number>,<number>,...") : op.allowed().isEmpty() ? List.of("<number>") : op.allowed());
            m.put("default", op.defaultValue());
            m.put("thisVm", vm.option(op.name()));
            m.put("description", op.description());
            opts.add(m);
        }
        o.put("options", opts);
        o.put("vcpuId", a.vcpuIdName());
        o.put("discovery", a.discovery());
        o.put("docDifferences", a.docDifferences());
        o.put("vmmControls", vm.control().describe());
        return o;
    }
}
