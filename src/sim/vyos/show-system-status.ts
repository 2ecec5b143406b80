/** `show system uptime`, `cat /proc/loadavg` and `show version`, from the live state. */
import type { RouterLiveState } from './live-state.js';
import { secondsToHuman } from './format-op-units.js';

export type VyosVersion = '1.3' | '1.4' | '1.5';

export function showSystemUptime(
  live: RouterLiveState,
  cores: number,
  version: VyosVersion,
): string[] {
  const [one, five, fifteen] = live.loadavg();
  const uptime = secondsToHuman(live.uptimeSeconds(), ' ');
  if (version === '1.3') {
    // 1.3 printed raw load averages, not a share of the cores.
    return [
      `Uptime: ${uptime}`,
      '',
      'Load averages:',
      `1  minute:   ${one.toFixed(2)}`,
      `5  minutes:  ${five.toFixed(2)}`,
      `15 minutes:  ${fifteen.toFixed(2)}`,
    ];
  }
  const pct = (load: number): string => `${((load / cores) * 100).toFixed(1)}%`;
  return [
    `Uptime: ${uptime}`,
    '',
    'Load averages:',
    `1  minute:   ${pct(one)}`,
    `5  minutes:  ${pct(five)}`,
    `15 minutes:  ${pct(fifteen)}`,
  ];
}

export function catProcLoadavg(live: RouterLiveState): string[] {
  const [one, five, fifteen] = live.loadavg();
  return [`${one.toFixed(2)} ${five.toFixed(2)} ${fifteen.toFixed(2)} 1/187 4242`];
}

const RELEASES: Record<VyosVersion, { version: string; train: string }> = {
  '1.3': { version: 'VyOS 1.3.8', train: 'equuleus' },
  '1.4': { version: 'VyOS 1.4.0', train: 'sagitta' },
  '1.5': { version: 'VyOS 1.5-stream-2025-Q1', train: 'circinus' },
};

export function showVersion(version: VyosVersion, hardwareModel: string): string[] {
  const release = RELEASES[version];
  return [
    `Version:          ${release.version}`,
    `Release train:    ${release.train}`,
    'Release flavor:   generic',
    '',
    'Built by:         autobuild@vyos.net',
    'Built on:         Mon 15 Jan 2024 09:00 UTC',
    'Build UUID:       3f2a1c9e-5b7d-4e0a-9c61-2d8f0b4a7e15',
    'Build commit ID:  8d8f3137d174a4',
    '',
    'Architecture:     x86_64',
    'Boot via:         installed image',
    'System type:      KVM guest',
    '',
    'Hardware vendor:  Amazon EC2',
    `Hardware model:   ${hardwareModel}`,
    '',
    'Copyright:        VyOS maintainers and contributors',
  ];
}
