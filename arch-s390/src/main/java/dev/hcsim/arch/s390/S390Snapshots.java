package dev.hcsim.arch.s390;

import dev.hcsim.core.VmSnapshot;
import java.util.List;

/**
 * Every field of {@link S390Vm} a snapshot needs: the DIAG 0x288 watchdog, the DIAG 0x318 code and
 * the IPL block per VM; per vCPU the DIAG 0x258 pfault handshake, CPUSTAT_RUNNING and its timing,
 * the stopped/waiting state the SIGP orders leave, a program interruption still to deliver, the KVM_SET_GUEST_DEBUG
 * state with a pending single-step exit, and a program interruption the VMM injected at an exit.
 * Per-trap scratch (decoded fields, parameter buffers, exit payloads) is not state between traps.
 */
final class S390Snapshots {
    private S390Snapshots() {
    }

    static void save(S390Vm s, VmSnapshot.State.Builder v, List<VmSnapshot.State.Builder> cpus) {
        synchronized (s) {
            v.put("watchdogArmed", s.watchdogArmed).put("watchdogDeadline", s.watchdogDeadline).put("diag318", s.diag318Info)
                    .putBytes("iplb", s.iplb);
        }
        for (int i = 0; i < cpus.size(); i++) {
            cpus.get(i).put("pfaultToken", s.pfaultToken[i]).put("pfaultSelect", s.pfaultSelect[i]).put("pfaultCompare", s.pfaultCompare[i])
                    .put("running", s.running[i]).put("ranNanos", s.ranNanos[i]).put("lastIn", s.lastIn[i])
                    .put("keepStateOnStart", s.keepStateOnStart[i]).put("selfRestart", s.selfRestart[i]).put("waiting", s.waiting[i])
                    .put("waitPswMask", s.waitPswMask[i]).put("pendingPgm", s.pendingPgm[i])
                    .put("pendingExternal", s.pendingExternal[i]).put("pendingExternalFrom", s.pendingExternalFrom[i])
                    .put("pendingInvalidOperand", s.pendingInvalidOperand[i])
                    .put("guestDebug", s.debug.control(i)).put("injectedPgm", s.debug.injectedPgm(i));
        }
    }

    static void restore(S390Vm s, VmSnapshot.State v, List<VmSnapshot.State> cpus) {
        synchronized (s) {
            s.watchdogArmed = v.flag("watchdogArmed");
            s.watchdogDeadline = v.num("watchdogDeadline");
            s.diag318Info = v.num("diag318");
            s.iplb = v.bytes("iplb");
        }
        for (int i = 0; i < cpus.size(); i++) {
            VmSnapshot.State c = cpus.get(i);
            s.pfaultToken[i] = c.num("pfaultToken");
            s.pfaultSelect[i] = c.num("pfaultSelect");
            s.pfaultCompare[i] = c.num("pfaultCompare");
            s.running[i] = c.flag("running");
            s.ranNanos[i] = c.num("ranNanos");
            s.lastIn[i] = c.num("lastIn");
            s.keepStateOnStart[i] = c.flag("keepStateOnStart");
            s.selfRestart[i] = c.flag("selfRestart");
            s.waiting[i] = c.flag("waiting");
            s.waitPswMask[i] = c.num("waitPswMask");
            s.pendingPgm[i] = Math.toIntExact(c.num("pendingPgm"));
            s.pendingExternal[i] = Math.toIntExact(c.num("pendingExternal"));
            s.pendingExternalFrom[i] = c.num("pendingExternalFrom");
            s.pendingInvalidOperand[i] = c.flag("pendingInvalidOperand");
            s.debug.restore(i, c.num("guestDebug"), Math.toIntExact(c.num("injectedPgm")));
        }
    }
}
