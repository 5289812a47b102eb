package org.bergenholm.power;

import org.metricshub.ipmi.core.coding.commands.IpmiCommandCoder;
import org.metricshub.ipmi.core.coding.commands.IpmiVersion;
import org.metricshub.ipmi.core.coding.commands.ResponseData;
import org.metricshub.ipmi.core.coding.payload.CompletionCode;
import org.metricshub.ipmi.core.coding.payload.IpmiPayload;
import org.metricshub.ipmi.core.coding.payload.lan.IPMIException;
import org.metricshub.ipmi.core.coding.payload.lan.IpmiLanRequest;
import org.metricshub.ipmi.core.coding.payload.lan.IpmiLanResponse;
import org.metricshub.ipmi.core.coding.payload.lan.NetworkFunction;
import org.metricshub.ipmi.core.coding.protocol.AuthenticationType;
import org.metricshub.ipmi.core.coding.protocol.IpmiMessage;
import org.metricshub.ipmi.core.coding.security.CipherSuite;

/**
 * IPMI 2.0 Set System Boot Options (chassis netfn, command 08h), parameter 5 "boot flags":
 * force PXE for the next boot only. ipmi-java has no such command, hence this class.
 */
final class SetSystemBootOptions extends IpmiCommandCoder {
    private static final byte BOOT_FLAGS = 5;
    private static final int FLAGS_VALID = 0x80;
    private static final int EFI_BOOT = 0x20;
    private static final int FORCE_PXE = 0x04;

    private final boolean efi;

    SetSystemBootOptions(CipherSuite cipherSuite, boolean efi) {
        super(IpmiVersion.V20, cipherSuite, AuthenticationType.RMCPPlus);
        this.efi = efi;
    }

    @Override
    public byte getCommandCode() {
        return 0x08;
    }

    @Override
    public NetworkFunction getNetworkFunction() {
        return NetworkFunction.ChassisRequest;
    }

    /** The payload bytes: selector, then the five data bytes of parameter 5 (persistent bit left clear). */
    byte[] data() {
        return new byte[] {BOOT_FLAGS, (byte) (FLAGS_VALID | (efi ? EFI_BOOT : 0)), FORCE_PXE, 0, 0, 0};
    }

    @Override
    protected IpmiPayload preparePayload(int sequenceNumber) {
        return new IpmiLanRequest(getNetworkFunction(), getCommandCode(), data(), (byte) sequenceNumber);
    }

    @Override
    public ResponseData getResponseData(IpmiMessage message) throws IPMIException {
        if (!isCommandResponse(message) || !(message.getPayload() instanceof IpmiLanResponse response)) {
            throw new IllegalArgumentException("not a Set System Boot Options response");
        }
        if (response.getCompletionCode() != CompletionCode.Ok) {
            throw new IPMIException(response.getCompletionCode());
        }
        return new ResponseData() { };
    }
}
