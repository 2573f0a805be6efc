package dev.hcsim.selftests;

import dev.hcsim.core.Bytes;
import dev.hcsim.core.CpuidEntry;
import dev.hcsim.core.MsrEntry;
import dev.hcsim.core.RegisterFile;
import dev.hcsim.core.TrapResult;
import dev.hcsim.core.Vm;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.sched.Machine;
import java.util.ArrayList;
import java.util.List;

/**
 * The pieces of tools/testing/selftests/kvm/include/x86/hyperv.h and lib/x86/hyperv.c the Hyper-V ports share, over
 * hcsim's public API: a VM with Hyper-V exposed (vcpu_set_hv_cpuid), the guest's {@code hv_init} (wrmsr
 * HV_X64_MSR_GUEST_OS_ID, HV_X64_MSR_HYPERCALL), {@code __hyperv_hypercall} (vmcall with RCX = control, RDX = input,
 * R8 = output; the status in RAX) and {@code hyperv_write_xmm_input}.
 */
final class HypervGuest {
    /** HYPERV_LINUX_OS_ID: (u64)0x8100 << 48. */
    static final long HYPERV_LINUX_OS_ID = 0x8100L << 48;
    static final long HV_X64_MSR_GUEST_OS_ID = 0x40000000L;
    static final long HV_X64_MSR_HYPERCALL = 0x40000001L;
    static final long HV_X64_MSR_VP_INDEX = 0x40000002L;
    static final long HV_HYPERCALL_FAST_BIT = 1L << 16;
    static final int HV_HYPERCALL_VARHEAD_OFFSET = 17;
    static final int HV_HYPERCALL_REP_COMP_OFFSET = 32;
    static final long HV_STATUS_SUCCESS = 0;
    static final long HV_STATUS_INVALID_HYPERCALL_CODE = 2;
    static final long HV_STATUS_INVALID_HYPERCALL_INPUT = 3;
    static final long HV_STATUS_INVALID_PARAMETER = 5;
    static final long HV_STATUS_ACCESS_DENIED = 6;
    static final long HV_STATUS_OPERATION_DENIED = 8;
    static final long HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE = 0x0002;
    static final long HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST = 0x0003;
    static final long HVCALL_NOTIFY_LONG_SPIN_WAIT = 0x0008;
    static final long HVCALL_SEND_IPI = 0x000b;
    static final long HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE_EX = 0x0013;
    static final long HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST_EX = 0x0014;
    static final long HVCALL_SEND_IPI_EX = 0x0015;
    static final long HVCALL_POST_MESSAGE = 0x005c;
    static final long HVCALL_SIGNAL_EVENT = 0x005d;
    static final long HVCALL_RESET_DEBUG_SESSION = 0x006b;
    static final long HV_EXT_CALL_QUERY_CAPABILITIES = 0x8001;
    static final long KVM_CAP_HYPERV_ENFORCE_CPUID = 199;
    /** Where the guest code and the vmcall live. */
    static final long CODE = 0x1000;
    static final long VMCALL_AT = 0x1800;

    final Vm vm;
    final Machine m;

    HypervGuest(int vcpus) {
        // Hyper-V exposed (vcpu_set_hv_cpuid); the guest writes its OS ID itself (hv_init)
        this.vm = Vm.create(VmConfig.builder("x86").vcpus(vcpus).feature("hyperv", true).option("hyperv-guest-os-id", "0").build());
        this.m = new Machine(vm, "hyperv");
        m.load(VMCALL_AT, new byte[] {0x0f, 0x01, (byte) 0xc1});
    }

    /** hv_init(pgs_gpa) on vCPU {@code vcpu}: the two wrmsrs, run by the interpreter. */
    void hvInit(int vcpu, long pgsGpa) {
        String prog = String.format(java.util.Locale.ROOT, "mov $0x%x, %%ecx%nmov $0x%x, %%eax%nmov $0x%x, %%edx%nwrmsr%n"
                + "mov $0x%x, %%ecx%nmov $0x%x, %%eax%nmov $0x%x, %%edx%nwrmsr%nhlt", HV_X64_MSR_GUEST_OS_ID,
                HYPERV_LINUX_OS_ID & 0xFFFF_FFFFL, HYPERV_LINUX_OS_ID >>> 32, HV_X64_MSR_HYPERCALL, pgsGpa & 0xFFFF_FFFFL, pgsGpa >>> 32);
        m.load(CODE, vm.assemble(prog, CODE).bytes());
        m.registers(vcpu).pc(CODE);
        m.run(200, 1_000_000);
        if (m.stopReason(vcpu) != null) {
            throw new AssertionError("hv_init faulted: " + m.stopReason(vcpu));
        }
    }

    /** vcpu_set_msr(vcpu, HV_X64_MSR_VP_INDEX, value). */
    void setVpIndex(int vcpu, long value) {
        if (vm.control().setMsrs(vcpu, new MsrEntry(HV_X64_MSR_VP_INDEX, value)) != 1) {
            throw new AssertionError("KVM_SET_MSRS HV_X64_MSR_VP_INDEX refused");
        }
    }

    /** The Hyper-V CPUID leaves 0x40000003, 0x40000004 and 0x40000082 set through KVM_SET_CPUID2. */
    void setHvCpuid(long feaEax, long feaEbx, long feaEdx, long enlEax, long enlEbx, long syndbgEax) {
        List<CpuidEntry> e = new ArrayList<>(vm.control().getCpuid(0));
        e.removeIf(x -> x.function() == 0x40000003L || x.function() == 0x40000004L || x.function() == 0x40000082L);
        e.add(CpuidEntry.of(0x40000003L, feaEax, feaEbx, 0, feaEdx));
        e.add(CpuidEntry.of(0x40000004L, enlEax, enlEbx, 0, 0));
        e.add(CpuidEntry.of(0x40000082L, syndbgEax, 0, 0, 0));
        vm.control().setCpuid(0, e);
    }

    /** __hyperv_hypercall(control, input, output, &hv_status) on vCPU {@code vcpu}. */
    TrapResult hypercall(int vcpu, long control, long input, long output) {
        RegisterFile r = m.registers(vcpu);
        r.pc(VMCALL_AT);
        r.set("rcx", control);
        r.set("rdx", input);
        r.set("r8", output);
        return vm.trap(vcpu, r, m.memory(), m);
    }

    long rax(int vcpu) {
        return m.registers(vcpu).get("rax");
    }

    /** hyperv_write_xmm_input(data, n): XMM0..n-1 from 2 * n u64s. */
    void writeXmmInput(int vcpu, long... words) {
        for (int i = 0; i < words.length; i++) {
            m.registers(vcpu).setVector(i / 2, i % 2 == 1, words[i]);
        }
    }

    /** Little-endian u64s into guest memory at {@code gpa} (the host's view of the guest's structures). */
    void words(long gpa, long... w) {
        byte[] b = new byte[8 * w.length];
        for (int i = 0; i < w.length; i++) {
            Bytes.put(b, 8 * i, 8, w[i], false);
        }
        m.load(gpa, b);
    }

    /** A zeroed page (memset(addr_gva2hva(...), 0, PAGE_SIZE)). */
    void zeroPage(long gpa) {
        m.load(gpa, new byte[4096]);
    }
}
