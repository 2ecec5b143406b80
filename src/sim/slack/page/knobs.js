// The demo's "break things" panel beside the channel: stop a router, force a tunnel down,
// raise a router's load, slow or fail EC2, so a newcomer can watch status, failover and
// scale-up react. It calls the simulated world's control API, relayed by the emulator at
// /control/* (src/sim/world/README.md). Without a world (the emulator alone) it stays hidden.

const LOADED = [3.5, 3.2, 2.6];
const IDLE = [0.2, 0.2, 0.2];

async function control(method, path, body) {
  const res = await fetch(`/control${path}`, {
    method,
    ...(body
      ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }
      : {}),
  });
  const answer = await res.json().catch(() => ({ error: `HTTP ${res.status}` }));
  if (!res.ok) throw new Error(answer.hint ? `${answer.error} — ${answer.hint}` : answer.error);
  return answer;
}

function option(value, text = value) {
  const el = document.createElement('option');
  el.value = value;
  el.textContent = text;
  return el;
}

export async function startKnobs(panel) {
  let world;
  try {
    world = await control('GET', '/state');
  } catch {
    return; // no simulated world behind this emulator: no knobs
  }
  const $ = (id) => panel.querySelector(`[data-testid="${id}"]`);
  const routerBox = $('knob-router');
  const tunnelBox = $('knob-tunnel');
  const result = $('knob-result');
  const say = (text, failed = false) => {
    result.textContent = text;
    result.classList.toggle('failed', failed);
  };
  const router = () => world.routers.find((r) => r.name === routerBox.value);
  const fillTunnels = () => {
    tunnelBox.replaceChildren(...(router()?.tunnels ?? []).map((t) => option(t.peer)));
  };
  const refresh = async () => {
    world = await control('GET', '/state');
    const picked = routerBox.value;
    routerBox.replaceChildren(
      ...world.routers.map((r) => option(r.name, `${r.name} (${r.instanceState})`)),
    );
    if (picked) routerBox.value = picked;
    const tunnel = tunnelBox.value;
    fillTunnels();
    if (tunnel) tunnelBox.value = tunnel;
  };
  await refresh();
  routerBox.addEventListener('change', fillTunnels);

  const knobs = {
    'router-down': () => [
      `/routers/${routerBox.value}/down`,
      {},
      `${routerBox.value} stopped (EC2 StopInstances)`,
    ],
    'router-up': () => [`/routers/${routerBox.value}/up`, {}, `${routerBox.value} starting`],
    'tunnel-down': () => [
      `/routers/${routerBox.value}/tunnels/${tunnelBox.value}/down`,
      {},
      `tunnel ${tunnelBox.value} on ${routerBox.value} forced down`,
    ],
    'tunnel-up': () => [
      `/routers/${routerBox.value}/tunnels/${tunnelBox.value}/up`,
      {},
      `tunnel ${tunnelBox.value} on ${routerBox.value} may come up again`,
    ],
    'load-high': () => [
      `/routers/${routerBox.value}/load`,
      { load: LOADED },
      `${routerBox.value} load ${LOADED.join(' / ')}`,
    ],
    'load-idle': () => [
      `/routers/${routerBox.value}/load`,
      { load: IDLE },
      `${routerBox.value} load back to idle`,
    ],
    'ec2-slow': () => ['/ec2/latency', { ms: 3000 }, 'EC2 answers after 3 s'],
    'ec2-fast': () => ['/ec2/latency', { ms: 0 }, 'EC2 answers at once'],
    'ec2-fail': () => [
      '/ec2/faults',
      { code: 'InternalError', times: 5 },
      'the next 5 EC2 calls fail (InternalError)',
    ],
    'ec2-heal': () => ['/ec2/faults', { clear: true }, 'EC2 faults cleared'],
  };
  panel.addEventListener('click', async (e) => {
    const button = e.target.closest('button[data-knob]');
    if (!button) return;
    const [path, body, done] = knobs[button.dataset.knob]();
    button.disabled = true;
    try {
      await control('POST', path, body);
      say(done);
      await refresh();
    } catch (err) {
      say(err.message, true);
    } finally {
      button.disabled = false;
    }
  });
  panel.hidden = false;
}
