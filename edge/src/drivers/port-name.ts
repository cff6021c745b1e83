// Serial port names as installers write them: a device node on Linux (/dev/ttyUSB0, /dev/serial/by-id/…,
// a socat link) or a COM port on Windows (COM3, or \\.\COM10 for ports above 9). A COM name is not a
// file: it is never resolved against the config's folder and never checked with the file system
// (serialport opens it by name; a pulled adapter shows as an error or a close of the port).
import { existsSync } from 'node:fs';

const COM = /^(\\\\\.\\)?COM\d{1,3}$/i;

export function isComPort(port: string): boolean {
  return COM.test(port);
}

/** True when a device node that was there is gone (a USB adapter pulled); never for COM names. */
export function portVanished(port: string): boolean {
  return !isComPort(port) && !existsSync(port);
}
