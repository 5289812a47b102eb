package org.bergenholm.power;

import java.net.ConnectException;
import java.net.MalformedURLException;
import java.net.SocketTimeoutException;
import java.net.URL;
import java.rmi.RemoteException;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLException;
import com.vmware.vim25.InvalidLogin;
import com.vmware.vim25.OptionValue;
import com.vmware.vim25.VirtualMachineConfigSpec;
import com.vmware.vim25.VirtualMachinePowerState;
import com.vmware.vim25.mo.ManagedEntity;
import com.vmware.vim25.mo.ServiceInstance;
import com.vmware.vim25.mo.Task;
import com.vmware.vim25.mo.VirtualMachine;

/**
 * vCenter or ESXi through yavijava at {@code https://<vmware_host>:<vmware_port>/sdk}; the VM
 * is the one whose BIOS UUID is the host id. Each operation logs in and out: no session to
 * expire between rare power operations.
 */
public final class VmwarePowerDriver implements PowerDriver {
    /** Network boot allowed, and tried before the disk. */
    static final String BOOT_DEVICE_CLASSES = "allow:net,hd";

    private final Duration timeout;

    public VmwarePowerDriver(Duration timeout) {
        this.timeout = timeout;
    }

    @Override
    public String name() {
        return "vmware";
    }

    @Override
    public PowerState status(String hostId, Map<String, Object> params) throws PowerException {
        return call(hostId, params, vm -> switch (vm.getRuntime().getPowerState()) {
            case poweredOn -> PowerState.ON;
            case poweredOff -> PowerState.OFF;
            default -> PowerState.UNKNOWN;
        });
    }

    /** Allow network boot in the BIOS boot order, then power on (reset if it already runs). */
    @Override
    public void on(String hostId, Map<String, Object> params) throws PowerException {
        call(hostId, params, vm -> {
            OptionValue bootClasses = new OptionValue();
            bootClasses.setKey("bios.bootDeviceClasses");
            bootClasses.setValue(BOOT_DEVICE_CLASSES);
            VirtualMachineConfigSpec spec = new VirtualMachineConfigSpec();
            spec.setExtraConfig(new OptionValue[] {bootClasses});
            await(vm.reconfigVM_Task(spec), "reconfigure");
            if (isOn(vm)) {
                await(vm.resetVM_Task(), "reset");
            } else {
                await(vm.powerOnVM_Task(null), "power on");
            }
            return null;
        });
    }

    @Override
    public void off(String hostId, Map<String, Object> params) throws PowerException {
        call(hostId, params, vm -> {
            if (isOn(vm)) {
                await(vm.powerOffVM_Task(), "power off");
            }
            return null;
        });
    }

    /** Hard reset; a stopped VM is powered on instead, as vSphere refuses to reset it. */
    @Override
    public void reset(String hostId, Map<String, Object> params) throws PowerException {
        call(hostId, params, vm -> {
            if (isOn(vm)) {
                await(vm.resetVM_Task(), "reset");
            } else {
                await(vm.powerOnVM_Task(null), "power on");
            }
            return null;
        });
    }

    private static boolean isOn(VirtualMachine vm) {
        return vm.getRuntime().getPowerState() == VirtualMachinePowerState.poweredOn;
    }

    private static void await(Task task, String what) throws Exception {
        if (!Task.SUCCESS.equals(task.waitForTask(200, 200))) {
            var error = task.getTaskInfo().getError();
            throw new PowerException(what + " failed: " + (error == null ? "unknown error" : error.getLocalizedMessage()));
        }
    }

    private <T> T call(String hostId, Map<String, Object> params, VmStep<T> step) throws PowerException {
        Vcenter vcenter = Vcenter.from(params);
        ServiceInstance si = null;
        try {
            si = vcenter.login((int) timeout.toMillis());
            ManagedEntity found = si.getSearchIndex().findByUuid(null, hostId, true);
            if (!(found instanceof VirtualMachine vm)) {
                throw new PowerException("VMware " + vcenter.where() + ": no VM with BIOS UUID " + hostId);
            }
            return step.run(vm);
        } catch (PowerException e) {
            throw e;
        } catch (Exception e) {
            throw vcenter.failure(e);
        } finally {
            if (si != null) {
                si.getServerConnection().logout();
            }
        }
    }

    @FunctionalInterface
    private interface VmStep<T> {
        T run(VirtualMachine vm) throws Exception;
    }

    /** The parameters that reach one vCenter; {@code password} stays out of every message. */
    private record Vcenter(URL url, String user, String password, boolean insecure) {
        static Vcenter from(Map<String, Object> params) throws PowerException {
            String host = PowerDrivers.required(params, "vmware_host");
            Object port = params.getOrDefault("vmware_port", 443);
            try {
                return new Vcenter(new URL("https://" + host + ":" + Integer.parseInt(port.toString().trim()) + "/sdk"),
                        PowerDrivers.required(params, "vmware_user"),
                        PowerDrivers.required(params, "vmware_password"),
                        Boolean.parseBoolean(String.valueOf(params.getOrDefault("vmware_insecure", "false"))));
            } catch (NumberFormatException | MalformedURLException e) {
                throw new PowerParameterException("vmware_host/vmware_port do not make a URL: " + host + ":" + port);
            }
        }

        /** yavijava keeps the first trust manager's SSL context for the process: all of ours are alike. */
        ServiceInstance login(int timeoutMillis) throws RemoteException, MalformedURLException {
            return insecure
                    ? new ServiceInstance(url, user, password, new TrustEveryCertificate(), timeoutMillis, timeoutMillis)
                    : new ServiceInstance(url, user, password, false, timeoutMillis, timeoutMillis);
        }

        String where() {
            return url.getHost() + ":" + url.getPort();
        }

        PowerException failure(Exception e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof InvalidLogin) {
                    return new PowerException("VMware " + where() + ": authentication failed for user " + user);
                }
                if (t instanceof SSLException) {
                    return new PowerException("VMware " + where() + ": certificate not trusted ("
                            + clean(t) + "); set vmware_insecure: true to accept a self-signed certificate", false, null);
                }
                if (t instanceof SocketTimeoutException) {
                    return new PowerException("VMware " + where() + " did not answer in time", true, null);
                }
                if (t instanceof ConnectException) {
                    return new PowerException("VMware " + where() + ": cannot connect (" + clean(t) + ")", false, null);
                }
            }
            return new PowerException("VMware " + where() + ": " + clean(e), false, null);
        }

        private String clean(Throwable t) {
            String text = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
            return password.isEmpty() ? text : text.replace(password, "***");
        }
    }
}
