package dev.hcsim.arch.x86;

import dev.hcsim.core.Errno;
import dev.hcsim.core.GuestMemory;
import dev.hcsim.core.KvmException;
import dev.hcsim.core.MemoryAccess;
import dev.hcsim.core.VcpuControl;
import dev.hcsim.core.spi.VmContext;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Xen HVM emulation state of one VM, as arch/x86/kvm/xen.c keeps it ({@code kvm->arch.xen_hvm_config},
 * {@code kvm->arch.xen}, {@code vcpu->arch.xen}), and the VMM-side ioctls that set it: KVM_XEN_HVM_CONFIG
 * ({@code kvm_xen_hvm_config}), KVM_XEN_HVM_SET_ATTR / GET_ATTR ({@code kvm_xen_hvm_set_attr}), KVM_XEN_VCPU_SET_ATTR /
 * GET_ATTR ({@code kvm_xen_vcpu_set_attr}) and KVM_XEN_HVM_EVTCHN_SEND ({@code kvm_xen_hvm_evtchn_send}). Every
 * method that the kernel answers with a negative errno throws {@link KvmException} with that errno. Get it with
 * {@link X86Vm#xen()}; the architecture options {@code --feature xen}, {@code --xen-*} set the same state when the VM is
 * created.
 *
 * <p>What is modelled of the state is what the hypercalls read: the hypercall MSR and page, the Xen version, the
 * long-mode flag (which layout shared_info and vcpu_info have), the shared_info page (its {@code evtchn_pending} and
 * {@code evtchn_mask} bitmaps), each vCPU's vcpu_info ({@code evtchn_upcall_pending}, {@code evtchn_pending_sel}), the
 * upcall vectors, the registered outbound event channels, each vCPU's Xen vCPU id and singleshot timer. Runstate
 * areas, the pvclock pages and the wall clock are not (no Xen hypercall reads them).
 */
public final class X86Xen {
    /** KVM_XEN_HVM_CONFIG_HYPERCALL_MSR (include/uapi/linux/kvm.h): the ioctl exists (a capability bit, never a flag to set). */
    public static final int KVM_XEN_HVM_CONFIG_HYPERCALL_MSR = 1;
    /** KVM_XEN_HVM_CONFIG_INTERCEPT_HCALL: KVM handles the guest's hypercalls (and writes the hypercall page itself). */
    public static final int KVM_XEN_HVM_CONFIG_INTERCEPT_HCALL = 1 << 1;
    /** KVM_XEN_HVM_CONFIG_EVTCHN_SEND: the VMM sends every event channel through KVM, so KVM may handle SCHEDOP_poll. */
    public static final int KVM_XEN_HVM_CONFIG_EVTCHN_SEND = 1 << 5;
    /** KVM_XEN_HVM_CONFIG_PVCLOCK_TSC_UNSTABLE: accepted; it changes only the pvclock pages, which are not modelled. */
    public static final int KVM_XEN_HVM_CONFIG_PVCLOCK_TSC_UNSTABLE = 1 << 7;
    /** The flags {@code kvm_xen_hvm_config} lets a VMM set ("permitted_flags"). */
    static final int PERMITTED_FLAGS = KVM_XEN_HVM_CONFIG_INTERCEPT_HCALL | KVM_XEN_HVM_CONFIG_EVTCHN_SEND
            | KVM_XEN_HVM_CONFIG_PVCLOCK_TSC_UNSTABLE;
    /** KVM_XEN_INVALID_GFN / KVM_XEN_INVALID_GPA: no page. */
    public static final long INVALID = -1L;
    /** EVTCHNSTAT_interdomain (include/xen/interface/event_channel.h): delivered to a local port or an eventfd. */
    public static final int EVTCHNSTAT_INTERDOMAIN = 2;
    /** EVTCHNSTAT_ipi: delivered to the same port number. */
    public static final int EVTCHNSTAT_IPI = 5;
    /** KVM_XEN_EVTCHN_DEASSIGN, KVM_XEN_EVTCHN_UPDATE, KVM_XEN_EVTCHN_RESET: the flags of KVM_XEN_ATTR_TYPE_EVTCHN. */
    public static final int KVM_XEN_EVTCHN_DEASSIGN = 1;
    /** KVM_XEN_EVTCHN_UPDATE. */
    public static final int KVM_XEN_EVTCHN_UPDATE = 1 << 1;
    /** KVM_XEN_EVTCHN_RESET. */
    public static final int KVM_XEN_EVTCHN_RESET = 1 << 2;
    /** EVTCHN_2L_NR_CHANNELS for a 64-bit guest: 64 * 64 ports (include/xen/interface/event_channel.h). */
    static final int NR_CHANNELS_64 = 4096;
    /** COMPAT_EVTCHN_2L_NR_CHANNELS: 32 * 32 ports (arch/x86/kvm/xen.h). */
    static final int NR_CHANNELS_32 = 1024;
    static final long PAGE_SIZE = 4096;

    /**
     * A registered outbound event channel (xen.c {@code struct evtchnfd}): EVTCHNOP_send on {@code sendPort} raises
     * {@code deliverPort} on the vCPU with KVM vCPU id (APIC ID) {@code vcpuId}, or signals an eventfd when {@code
     * deliverPort} is 0.
     * @param sendPort the port the guest sends on
     * @param type EVTCHNSTAT_interdomain or EVTCHNSTAT_ipi
     * @param deliverPort the port raised, 0 for an eventfd
     * @param vcpuId the target's KVM vCPU id (APIC ID), as {@code kvm_get_vcpu_by_id} looks it up
     */
    public record Port(int sendPort, int type, int deliverPort, long vcpuId) {
    }

    private final VmContext vm;
    private final boolean intel;
    // kvm->arch.xen_hvm_config
    private volatile int flags;
    private volatile long msr;
    private volatile byte[] blob32 = new byte[0];
    private volatile byte[] blob64 = new byte[0];
    // kvm->arch.xen
    private volatile boolean longMode;
    private volatile long xenVersion;
    private volatile long sharedInfo = INVALID;
    private volatile int upcallVector;
    private final TreeMap<Integer, Port> ports = new TreeMap<>();
    private final TreeMap<Integer, Long> eventfdSignals = new TreeMap<>();
    // vcpu->arch.xen
    final long[] xenVcpuId;
    final long[] vcpuInfo;
    final int[] vcpuUpcallVector;
    final int[] timerVirq;
    /** timer_expires: the absolute kvmclock time the singleshot timer fires, 0 when it is not running. */
    final long[] timerExpires;
    /** evtchn_pending_sel kept in the kernel while the vcpu_info was not reachable. */
    final long[] pendingSel;
    /** poll_evtchn: the one port polled, -1 for several, 0 when not polling. */
    final int[] pollEvtchn;
    /** The vCPU's bit in kvm->arch.xen.poll_mask. */
    final boolean[] polling;
    /** When the poll_timer fires (virtual ns), Long.MAX_VALUE for none. */
    final long[] pollDeadline;
    /** Each vCPU's params[6] of the call being handled, reused so that a Xen call in the kernel allocates nothing. */
    final long[][] params;

    X86Xen(VmContext vm, boolean intel) {
        this.vm = vm;
        this.intel = intel;
        int n = vm.vcpuCount();
        xenVcpuId = new long[n];
        for (int i = 0; i < n; i++) {
            xenVcpuId[i] = i; // kvm_xen_init_vcpu: vcpu->arch.xen.vcpu_id = vcpu->vcpu_idx
        }
        vcpuInfo = new long[n];
        Arrays.fill(vcpuInfo, INVALID);
        vcpuUpcallVector = new int[n];
        timerVirq = new int[n];
        timerExpires = new long[n];
        pendingSel = new long[n];
        pollEvtchn = new int[n];
        polling = new boolean[n];
        pollDeadline = new long[n];
        Arrays.fill(pollDeadline, Long.MAX_VALUE);
        params = new long[n][6];
        configureFromOptions();
    }

    /** The architecture options of {@link X86Architecture}: what a VMM sets before the first KVM_RUN. */
    private void configureFromOptions() {
        if (!vm.feature(X86Architecture.XEN)) {
            return;
        }
        int f = KVM_XEN_HVM_CONFIG_INTERCEPT_HCALL | (vm.option("xen-evtchn-send").equals("on") ? KVM_XEN_HVM_CONFIG_EVTCHN_SEND : 0);
        hvmConfig(f, vm.optionNumber("xen-hypercall-msr"));
        longMode = vm.option("mode").equals("64");
        xenVersion = vm.optionNumber("xen-version");
        long shinfo = vm.optionNumber("xen-shared-info");
        if (shinfo != INVALID) {
            setSharedInfo(shinfo >>> 12);
            if (vm.option("xen-vcpu-info").equals("shared-info")) {
                // What QEMU does by default: vCPU i's vcpu_info is shared_info.vcpu_info[i], for the first MAX_VIRT_CPUS (32).
                for (int i = 0; i < Math.min(32, vcpuInfo.length); i++) {
                    vcpuInfo[i] = (shinfo & ~(PAGE_SIZE - 1)) + 64L * i;
                }
            }
        }
        setUpcallVector((int) vm.optionNumber("xen-upcall-vector"));
        int timer = (int) vm.optionNumber("xen-timer-port");
        if (timer != 0) {
            Arrays.fill(timerVirq, timer);
        }
        int send = (int) vm.optionNumber("xen-evtchn-port");
        if (send != 0) {
            long deliver = vm.optionNumber("xen-evtchn-deliver");
            int to = deliver == 0 ? send : (int) deliver;
            assignEvtchn(send, to == send ? EVTCHNSTAT_IPI : EVTCHNSTAT_INTERDOMAIN, to, vm.optionNumber("xen-evtchn-vcpu"));
        }
    }

    private static KvmException error(String ioctl, Errno e, String why) {
        return new KvmException(ioctl, e, why);
    }

    // ---------------------------------------------------------------- KVM_XEN_HVM_CONFIG

    /**
     * KVM_XEN_HVM_CONFIG without hypercall blobs.
     * @param flags KVM_XEN_HVM_CONFIG_* flags (INTERCEPT_HCALL, EVTCHN_SEND, PVCLOCK_TSC_UNSTABLE)
     * @param msr the hypercall-page MSR, 0 for none
     * @throws KvmException -EINVAL for a flag outside the permitted ones
     */
    public void hvmConfig(int flags, long msr) {
        hvmConfig(flags, msr, new byte[0], new byte[0]);
    }

    /**
     * KVM_XEN_HVM_CONFIG: the flags, the MSR, and the VMM's hypercall pages ({@code blob_addr_32/64}, {@code
     * blob_size_32/64}: here the pages themselves, a multiple of 4096 bytes each).
     * @param flags KVM_XEN_HVM_CONFIG_* flags
     * @param msr the hypercall-page MSR, 0 for none
     * @param blob32 the pages a 32-bit guest's MSR write copies, 0 to 255 pages
     * @param blob64 the pages a 64-bit guest's MSR write copies, 0 to 255 pages
     * @throws KvmException -EINVAL for a flag outside the permitted ones, or blobs together with INTERCEPT_HCALL
     *   ("with hypercall interception the kernel generates its own hypercall page so it must not be provided")
     */
    public void hvmConfig(int flags, long msr, byte[] blob32, byte[] blob64) {
        if ((flags & ~PERMITTED_FLAGS) != 0) {
            throw error("KVM_XEN_HVM_CONFIG", Errno.EINVAL, "flags 0x" + Integer.toHexString(flags) + " outside the permitted 0x"
                    + Integer.toHexString(PERMITTED_FLAGS));
        }
        if (blob32.length % PAGE_SIZE != 0 || blob64.length % PAGE_SIZE != 0 || blob32.length / PAGE_SIZE > 255
                || blob64.length / PAGE_SIZE > 255) {
            throw new IllegalArgumentException("a hypercall blob is 0 to 255 whole 4096-byte pages (blob_size is a u8)");
        }
        if ((flags & KVM_XEN_HVM_CONFIG_INTERCEPT_HCALL) != 0 && (blob32.length != 0 || blob64.length != 0)) {
            throw error("KVM_XEN_HVM_CONFIG", Errno.EINVAL, "INTERCEPT_HCALL with a hypercall blob (xen.c kvm_xen_hvm_config)");
        }
        this.flags = flags;
        this.msr = msr & 0xFFFF_FFFFL; // struct kvm_xen_hvm_config.msr is a __u32
        this.blob32 = blob32.clone();
        this.blob64 = blob64.clone();
    }

    /**
     * The flags of the last KVM_XEN_HVM_CONFIG.
     * @return KVM_XEN_HVM_CONFIG_* bits
     */
    public int flags() {
        return flags;
    }

    /**
     * The hypercall-page MSR of the last KVM_XEN_HVM_CONFIG.
     * @return the MSR index, 0 for none
     */
    public long msr() {
        return msr;
    }

    /**
     * kvm_xen_hypercall_enabled (xen.h): the kvm_xen_enabled static key, which a non-zero MSR turns on, and
     * KVM_XEN_HVM_CONFIG_INTERCEPT_HCALL. The key is global to the host; hcsim models one VM, so it is this VM's MSR.
     * @return whether kvm_emulate_hypercall hands every hypercall to Xen first
     */
    public boolean hypercallEnabled() {
        return (flags & KVM_XEN_HVM_CONFIG_INTERCEPT_HCALL) != 0 && msr != 0;
    }

    VmContext vm() {
        return vm;
    }

    boolean evtchnSendEnabled() {
        return (flags & KVM_XEN_HVM_CONFIG_EVTCHN_SEND) != 0;
    }

    boolean intel() {
        return intel;
    }

    byte[] blob(boolean lm) {
        return lm ? blob64 : blob32;
    }

    // ---------------------------------------------------------------- KVM_XEN_HVM_SET_ATTR / GET_ATTR

    /**
     * KVM_XEN_ATTR_TYPE_LONG_MODE: which layout shared_info and vcpu_info have (the guest's MSR write of the hypercall
     * page sets it too).
     * @param on 64-bit layouts
     */
    public void setLongMode(boolean on) {
        longMode = on;
    }

    /**
     * KVM_XEN_ATTR_TYPE_LONG_MODE.
     * @return whether the 64-bit layouts are in force
     */
    public boolean longMode() {
        return longMode;
    }

    /**
     * KVM_XEN_ATTR_TYPE_SHARED_INFO.
     * @param gfn the guest frame of the shared_info page, {@link #INVALID} to deactivate
     */
    public void setSharedInfo(long gfn) {
        sharedInfo = gfn == INVALID ? INVALID : gfn << 12;
    }

    /**
     * The shared_info page's GPA.
     * @return the GPA, {@link #INVALID} when none
     */
    public long sharedInfoGpa() {
        return sharedInfo;
    }

    /**
     * KVM_XEN_ATTR_TYPE_UPCALL_VECTOR: the VM-wide callback vector (HVMIRQ_callback_vector).
     * @param vector 0 for none, else 0x10 to 0xff
     * @throws KvmException -EINVAL for 1 to 15
     */
    public void setUpcallVector(int vector) {
        if (vector != 0 && vector < 0x10 || vector > 0xff) {
            throw error("KVM_XEN_HVM_SET_ATTR", Errno.EINVAL, "UPCALL_VECTOR " + vector + " is below 0x10");
        }
        upcallVector = vector;
    }

    /**
     * The VM-wide callback vector.
     * @return the vector, 0 for none
     */
    public int upcallVector() {
        return upcallVector;
    }

    /**
     * KVM_XEN_ATTR_TYPE_XEN_VERSION: what {@code xen_version(XENVER_version)} answers in the kernel (0: the VMM answers).
     * @param version (major &lt;&lt; 16) | minor
     */
    public void setXenVersion(long version) {
        xenVersion = version & 0xFFFF_FFFFL; // kvm_xen_hvm_attr.u.xen_version is a __u32
    }

    /**
     * KVM_XEN_ATTR_TYPE_XEN_VERSION.
     * @return the version, 0 when unset
     */
    public long xenVersion() {
        return xenVersion;
    }

    /** max_evtchn_port (xen.c). */
    int maxEvtchnPort() {
        return longMode ? NR_CHANNELS_64 : NR_CHANNELS_32;
    }

    /**
     * KVM_XEN_ATTR_TYPE_EVTCHN with flags 0 (kvm_xen_eventfd_assign): registers an outbound port. An eventfd target
     * ({@code deliverPort} 0 with EVTCHNSTAT_interdomain) is counted in {@link #eventfdSignals(int)}.
     * @param sendPort 1 to max_evtchn_port - 1
     * @param type EVTCHNSTAT_interdomain or EVTCHNSTAT_ipi
     * @param deliverPort the local port raised (IPI: equal to sendPort), 0 for an eventfd
     * @param vcpuId the target's KVM vCPU id (APIC ID)
     * @throws KvmException -EINVAL for a bad port or type, -EEXIST for a port already registered
     */
    public void assignEvtchn(int sendPort, int type, int deliverPort, long vcpuId) {
        checkSendPort(sendPort);
        if (type == EVTCHNSTAT_IPI && deliverPort != sendPort) {
            throw error("KVM_XEN_HVM_SET_ATTR", Errno.EINVAL, "an IPI channel must map back to the same port");
        }
        if (type == EVTCHNSTAT_INTERDOMAIN && deliverPort != 0 && (deliverPort < 0 || deliverPort >= maxEvtchnPort())) {
            throw error("KVM_XEN_HVM_SET_ATTR", Errno.EINVAL, "deliver port " + deliverPort + " past max_evtchn_port");
        }
        if (type != EVTCHNSTAT_IPI && type != EVTCHNSTAT_INTERDOMAIN) {
            throw error("KVM_XEN_HVM_SET_ATTR", Errno.EINVAL, "event channel type " + type + " (only interdomain and ipi)");
        }
        synchronized (ports) {
            if (ports.containsKey(sendPort)) {
                throw error("KVM_XEN_HVM_SET_ATTR", Errno.EEXIST, "port " + sendPort + " is registered (idr_alloc -ENOSPC)");
            }
            ports.put(sendPort, new Port(sendPort, type, deliverPort, vcpuId));
        }
    }

    /**
     * KVM_XEN_ATTR_TYPE_EVTCHN with KVM_XEN_EVTCHN_UPDATE (kvm_xen_eventfd_update): a new target vCPU.
     * @param sendPort the registered port
     * @param type its type (must not change)
     * @param deliverPort its deliver port (must not change, and not an eventfd)
     * @param vcpuId the new target's KVM vCPU id
     * @throws KvmException -ENOENT for an unregistered port, -EINVAL for any other change
     */
    public void updateEvtchn(int sendPort, int type, int deliverPort, long vcpuId) {
        checkSendPort(sendPort);
        synchronized (ports) {
            Port p = ports.get(sendPort);
            if (p == null) {
                throw error("KVM_XEN_HVM_SET_ATTR", Errno.ENOENT, "port " + sendPort + " is not registered");
            }
            if (p.type() != type || p.deliverPort() == 0 || p.deliverPort() != deliverPort) {
                throw error("KVM_XEN_HVM_SET_ATTR", Errno.EINVAL, "an update may change only the target vCPU");
            }
            ports.put(sendPort, new Port(sendPort, type, deliverPort, vcpuId));
        }
    }

    /**
     * KVM_XEN_ATTR_TYPE_EVTCHN with KVM_XEN_EVTCHN_DEASSIGN.
     * @param sendPort the registered port
     * @throws KvmException -EINVAL for a bad port, -ENOENT for an unregistered one
     */
    public void deassignEvtchn(int sendPort) {
        checkSendPort(sendPort);
        synchronized (ports) {
            if (ports.remove(sendPort) == null) {
                throw error("KVM_XEN_HVM_SET_ATTR", Errno.ENOENT, "port " + sendPort + " is not registered");
            }
            eventfdSignals.remove(sendPort);
        }
    }

    /** KVM_XEN_ATTR_TYPE_EVTCHN with KVM_XEN_EVTCHN_RESET: every registered port is removed. */
    public void resetEvtchn() {
        synchronized (ports) {
            ports.clear();
            eventfdSignals.clear();
        }
    }

    private void checkSendPort(int port) {
        if (port <= 0 || port >= maxEvtchnPort()) {
            throw error("KVM_XEN_HVM_SET_ATTR", Errno.EINVAL, "send port " + port + " outside 1.." + (maxEvtchnPort() - 1));
        }
    }

    /**
     * The registered outbound ports, by send port.
     * @return a copy
     */
    public Map<Integer, Port> ports() {
        synchronized (ports) {
            return Map.copyOf(ports);
        }
    }

    Port port(int sendPort) {
        synchronized (ports) {
            return ports.get(sendPort);
        }
    }

    void signalEventfd(int sendPort) {
        synchronized (ports) {
            eventfdSignals.merge(sendPort, 1L, Long::sum);
        }
    }

    /**
     * How many times EVTCHNOP_send signalled the eventfd of {@code sendPort} (eventfd_signal).
     * @param sendPort a port registered with an eventfd target
     * @return the count
     */
    public long eventfdSignals(int sendPort) {
        synchronized (ports) {
            return eventfdSignals.getOrDefault(sendPort, 0L);
        }
    }

    /**
     * KVM_XEN_HVM_EVTCHN_SEND (kvm_xen_hvm_evtchn_send): raises {@code port} on the vCPU with KVM id {@code vcpuId}.
     * @param port 1 to max_evtchn_port - 1
     * @param vcpuId the target's KVM vCPU id (APIC ID)
     * @param memory the guest memory holding shared_info and vcpu_info
     * @param control wakes or interrupts the target
     * @throws KvmException -EINVAL for a bad port or vCPU or no shared_info, -EFAULT when shared_info is not in memory
     */
    public void evtchnSend(int port, long vcpuId, GuestMemory memory, VcpuControl control) {
        if (port <= 0 || port >= maxEvtchnPort()) {
            throw error("KVM_XEN_HVM_EVTCHN_SEND", Errno.EINVAL, "port " + port + " outside 1.." + (maxEvtchnPort() - 1));
        }
        long rc = X86XenEvents.setEvtchn(this, port, vcpuId, access(memory), control);
        if (rc < 0 && rc != X86XenStatus.ENOTCONN) {
            throw error("KVM_XEN_HVM_EVTCHN_SEND", rc == X86XenStatus.EFAULT ? Errno.EFAULT : Errno.EINVAL, "kvm_xen_set_evtchn returned " + rc);
        }
    }

    private static MemoryAccess access(GuestMemory memory) {
        MemoryAccess m = new MemoryAccess(memory, ByteOrder.LITTLE_ENDIAN);
        return m;
    }

    // ---------------------------------------------------------------- KVM_XEN_VCPU_SET_ATTR / GET_ATTR

    private void checkVcpu(int vcpu) {
        if (vcpu < 0 || vcpu >= xenVcpuId.length) {
            throw new IllegalArgumentException("vCPU index " + vcpu + " outside 0.." + (xenVcpuId.length - 1));
        }
    }

    /**
     * KVM_XEN_VCPU_ATTR_TYPE_VCPU_INFO.
     * @param vcpu the vCPU index
     * @param gpa the vcpu_info's GPA, {@link #INVALID} to deactivate
     */
    public void setVcpuInfo(int vcpu, long gpa) {
        checkVcpu(vcpu);
        vcpuInfo[vcpu] = gpa;
    }

    /**
     * KVM_XEN_VCPU_ATTR_TYPE_VCPU_INFO.
     * @param vcpu the vCPU index
     * @return the GPA, {@link #INVALID} when none
     */
    public long vcpuInfo(int vcpu) {
        checkVcpu(vcpu);
        return vcpuInfo[vcpu];
    }

    /**
     * KVM_XEN_VCPU_ATTR_TYPE_VCPU_ID: the Xen vCPU id VCPUOP_*_singleshot_timer compares with.
     * @param vcpu the vCPU index
     * @param id below KVM_MAX_VCPUS (4096)
     * @throws KvmException -EINVAL for an id of KVM_MAX_VCPUS or more
     */
    public void setVcpuId(int vcpu, long id) {
        checkVcpu(vcpu);
        if (id < 0 || id >= X86Vm.LIMITS.maxVcpus()) {
            throw error("KVM_XEN_VCPU_SET_ATTR", Errno.EINVAL, "VCPU_ID " + id + " is not below KVM_MAX_VCPUS");
        }
        xenVcpuId[vcpu] = id;
    }

    /**
     * KVM_XEN_VCPU_ATTR_TYPE_VCPU_ID.
     * @param vcpu the vCPU index
     * @return the Xen vCPU id (default: the vCPU index)
     */
    public long vcpuId(int vcpu) {
        checkVcpu(vcpu);
        return xenVcpuId[vcpu];
    }

    /**
     * KVM_XEN_VCPU_ATTR_TYPE_UPCALL_VECTOR: the per-vCPU local APIC vector of event channel upcalls.
     * @param vcpu the vCPU index
     * @param vector 0 for none, else 0x10 to 0xff
     * @throws KvmException -EINVAL for 1 to 15
     */
    public void setVcpuUpcallVector(int vcpu, int vector) {
        checkVcpu(vcpu);
        if (vector != 0 && vector < 0x10 || vector > 0xff) {
            throw error("KVM_XEN_VCPU_SET_ATTR", Errno.EINVAL, "UPCALL_VECTOR " + vector + " is below 0x10");
        }
        vcpuUpcallVector[vcpu] = vector;
    }

    /**
     * KVM_XEN_VCPU_ATTR_TYPE_TIMER set: stops the timer, binds it to {@code port}, and starts it when both {@code port}
     * and {@code expiresNs} are non-zero (an expiry in the past fires at once).
     * @param vcpu the vCPU index
     * @param port the timer's event channel (VIRQ_TIMER's port), 0 to disable the Xen timer
     * @param expiresNs the absolute kvmclock time, 0 for not running
     * @param memory the guest memory (an expiry in the past raises the port now)
     * @param control the VM's vCPU control (now, wake-ups)
     */
    public void setTimer(int vcpu, int port, long expiresNs, GuestMemory memory, VcpuControl control) {
        checkVcpu(vcpu);
        X86XenEvents.stopTimer(this, vcpu);
        timerVirq[vcpu] = port;
        if (port != 0 && expiresNs != 0) {
            X86XenEvents.startTimer(this, vcpu, expiresNs, expiresNs - control.nowNanos(), access(memory), control);
            if (timerExpires[vcpu] != 0) {
                control.armTimer(vcpu, expiresNs);
            }
        }
    }

    /**
     * KVM_XEN_VCPU_ATTR_TYPE_TIMER get: the timer's port.
     * @param vcpu the vCPU index
     * @return the port, 0 when the Xen timer is disabled
     */
    public int timerPort(int vcpu) {
        checkVcpu(vcpu);
        return timerVirq[vcpu];
    }

    /**
     * KVM_XEN_VCPU_ATTR_TYPE_TIMER get: when the timer fires.
     * @param vcpu the vCPU index
     * @return the absolute kvmclock time, 0 when not running
     */
    public long timerExpires(int vcpu) {
        checkVcpu(vcpu);
        return timerExpires[vcpu];
    }

    // ---------------------------------------------------------------- snapshot

    /** Writes every Xen field (VM-wide and per vCPU) into a snapshot, under names starting with "xen". */
    void save(dev.hcsim.core.VmSnapshot.State.Builder v, java.util.List<dev.hcsim.core.VmSnapshot.State.Builder> cpus) {
        v.put("xenFlags", flags).put("xenMsr", msr).putBytes("xenBlob32", blob32).putBytes("xenBlob64", blob64).put("xenLongMode", longMode)
                .put("xenVersion", xenVersion).put("xenSharedInfo", sharedInfo).put("xenUpcallVector", upcallVector);
        synchronized (ports) {
            long[] p = new long[ports.size() * 4];
            int i = 0;
            for (Port port : ports.values()) {
                p[i++] = port.sendPort();
                p[i++] = port.type();
                p[i++] = port.deliverPort();
                p[i++] = port.vcpuId();
            }
            long[] e = new long[eventfdSignals.size() * 2];
            i = 0;
            for (Map.Entry<Integer, Long> en : eventfdSignals.entrySet()) {
                e[i++] = en.getKey();
                e[i++] = en.getValue();
            }
            v.put("xenPorts", p).put("xenEventfdSignals", e);
        }
        for (int i = 0; i < cpus.size(); i++) {
            cpus.get(i).put("xenVcpuId", xenVcpuId[i]).put("xenVcpuInfo", vcpuInfo[i]).put("xenUpcallVector", vcpuUpcallVector[i])
                    .put("xenTimerVirq", timerVirq[i]).put("xenTimerExpires", timerExpires[i]).put("xenPendingSel", pendingSel[i])
                    .put("xenPollEvtchn", pollEvtchn[i]).put("xenPolling", polling[i]).put("xenPollDeadline", pollDeadline[i]);
        }
    }

    /** Sets every Xen field from a snapshot {@link #save} wrote; a snapshot without Xen fields leaves the state alone. */
    void restore(dev.hcsim.core.VmSnapshot.State v, java.util.List<dev.hcsim.core.VmSnapshot.State> cpus) {
        if (v.names("xen").isEmpty()) {
            return; // written before the Xen ABI existed: nothing of it to restore
        }
        flags = (int) v.num("xenFlags");
        msr = v.num("xenMsr");
        blob32 = v.bytes("xenBlob32");
        blob64 = v.bytes("xenBlob64");
        longMode = v.flag("xenLongMode");
        xenVersion = v.num("xenVersion");
        sharedInfo = v.num("xenSharedInfo");
        upcallVector = (int) v.num("xenUpcallVector");
        long[] p = v.nums("xenPorts");
        long[] e = v.nums("xenEventfdSignals");
        synchronized (ports) {
            ports.clear();
            for (int i = 0; i + 3 < p.length; i += 4) {
                ports.put((int) p[i], new Port((int) p[i], (int) p[i + 1], (int) p[i + 2], p[i + 3]));
            }
            eventfdSignals.clear();
            for (int i = 0; i + 1 < e.length; i += 2) {
                eventfdSignals.put((int) e[i], e[i + 1]);
            }
        }
        for (int i = 0; i < cpus.size(); i++) {
            dev.hcsim.core.VmSnapshot.State c = cpus.get(i);
            xenVcpuId[i] = c.num("xenVcpuId");
            vcpuInfo[i] = c.num("xenVcpuInfo");
            vcpuUpcallVector[i] = (int) c.num("xenUpcallVector");
            timerVirq[i] = (int) c.num("xenTimerVirq");
            timerExpires[i] = c.num("xenTimerExpires");
            pendingSel[i] = c.num("xenPendingSel");
            pollEvtchn[i] = (int) c.num("xenPollEvtchn");
            polling[i] = c.flag("xenPolling");
            pollDeadline[i] = c.num("xenPollDeadline");
        }
    }

    /**
     * Whether the vCPU is blocked in SCHEDOP_poll (its bit in kvm->arch.xen.poll_mask).
     * @param vcpu the vCPU index
     * @return true while polling
     */
    public boolean polling(int vcpu) {
        checkVcpu(vcpu);
        return polling[vcpu];
    }
}
