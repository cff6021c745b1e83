// English, switchable from the header.
import type { Messages } from './zh.ts';

export const en: Messages = {
  app: { title: 'hallmon hall monitoring', skip: 'Skip to main content' },
  nav: { overview: 'Overview', hall: 'Hall', queues: 'Queues & ratings', rooms: 'Machine & archive rooms', alarms: 'Alarms', devices: 'Devices', big: 'Big screen', evidence: 'Evidence' },
  header: { site: 'Site', logout: 'Sign out', lang: '中文', langLabel: 'Switch to Chinese', user: 'Signed in as', sound: 'Alarm sound on', soundOff: 'Click anywhere to enable alarm sound' },
  role: { admin: 'Administrator', netadmin: 'Network admin', hall: 'Hall manager', assessor: 'Assessor (read-only)' },
  login: { title: 'Sign in', username: 'Username', password: 'Password', submit: 'Sign in', busy: 'Signing in…', failed: 'Sign-in failed: {{message}}', expired: 'Your session expired; please sign in again.' },
  conn: { lost: 'Connection lost, reconnecting…', connecting: 'Connecting to live data…', restored: 'Live connection restored' },
  common: {
    loading: 'Loading…', error: 'Something went wrong: {{message}}', retry: 'Retry', none: 'None', now: 'Now', limit: 'Limit', noData: 'No data yet',
    online: 'online', offline: 'offline', unknown: 'unknown', indicative: 'indicative', lastSeen: 'Last seen', close: 'Close',
    warning: 'warning', critical: 'critical', all: 'All', from: 'From', to: 'To', apply: 'Apply', of: '/',
  },
  overview: {
    title: 'District overview', alarms: 'Active alarms', offline: 'Devices offline', noise: 'Noise now', mrTemp: 'Machine room temp.', mrRh: 'Machine room RH', open: 'Open site',
    sites: '{{count}} sites',
  },
  hall: {
    title: 'Service hall', noiseNow: 'Noise now', laeq5: 'LAeq,5min', filling: 'Window holds {{min}} of 5 min', line80: '80 dB(A) limit',
    dayCurve: "Today's noise (LAeq per minute)", excursions: '{{count}} excursions', sensor: 'Noise sensor', climate: 'Hall climate', season: { summer: 'summer limits', winter: 'winter limits' },
    temperature: 'Temperature', humidity: 'Relative humidity', co2: 'CO2', illuminance: 'Illuminance', within: 'within limits', outside: 'outside limits',
  },
  queues: {
    title: 'Queues & ratings', waiting: 'Waiting', meanWait: 'Mean wait (last hour)', longestWait: 'Longest wait', minutes: '{{n}} min', issued: 'Tickets today', served: 'Served today', abandoned: 'Abandoned',
    evalRate: 'Evaluation rate per window (target ≥ 70 %)', window: 'Window', rated: 'Ratings', rate: 'Rate', bad: 'Bad', hallRate: 'Whole hall',
    followups: 'Bad-rating follow-ups ("1, 5, 15")', noFollowups: 'No bad ratings to follow up', followupsUnavailable: 'Follow-up tracking is not available on this server yet', stage: { response: 'answer within 1 working day', simple: 'fix within 5 working days (simple)', complex: 'fix within 15 working days (complex)', done: 'done' },
    due: 'Due', left: '{{span}} left', overdue: 'overdue by {{span}}', act: { respond: 'Responded', complex: 'Complex', resolve: 'Resolved' }, actFailed: 'Could not record the step: {{message}}', ratedAt: 'Rated at', score: 'Score',
  },
  rooms: {
    title: 'Machine & archive rooms', machine: 'Machine room', archive: 'Archive room', temperature: 'Temperature', humidity: 'Relative humidity', dewPoint: 'Dew point', band: 'limits {{band}}',
    trend: 'Trend', range: { '24h': '24 h', '7d': '7 d', '30d': '30 d', custom: 'Custom' }, step: 'step {{step}}',
    mean: 'mean', minmax: 'min/max', gaps: '{{count}} gaps', fast: '{{count}} fast changes', rangeInvalid: 'Pick a valid range (end after start)', rangeTooLong: 'A range may span at most 400 days',
    noRooms: 'This site has no machine-room or archive-room sensors',
  },
  alarms: {
    title: 'Alarms', active: 'Active', history: 'History', site: 'Site', clause: 'Clause', severity: 'Severity', rule: 'Rule', sensor: 'Sensor', started: 'Started', cleared: 'Cleared',
    peak: 'Peak', state: 'State', raised: 'active', clearedState: 'cleared', acked: 'acknowledged', ackedBy: 'acknowledged by {{user}} at {{at}}', ack: 'Acknowledge', note: 'Note', notePlaceholder: 'e.g. restarted the AC, temperature falling',
    confirm: 'Confirm', cancel: 'Cancel', empty: 'No alarms match', newCritical: 'New critical alarm', readOnly: 'Read-only accounts cannot acknowledge',
  },
  devices: { title: 'Devices', device: 'Device', zone: 'Zone', status: 'Status', lastSeen: 'Last seen', errors: 'Errors', faults: 'Faults this month', repair: 'Repair time', workingDays: '{{n}} working days', openFault: 'fault open since {{at}}', overLimit: 'beyond clause 1.2.1' },
  big: { title: 'Big screen', fullscreen: 'Full screen', exitFullscreen: 'Exit full screen', next: 'Next panel', panel: 'Panel {{n}} of {{total}}' },
  notFound: { title: 'No such page', back: 'Back to start', forbidden: 'Your role cannot see this page' },
  evidence: {
    title: 'Evidence pack', intro: 'The monitoring data of the sampling period clause by clause (verdict, coverage, excursions); download the Chinese PDF, CSV or JSON. A year takes a few seconds to compute.',
    preset: { assessment: 'Assessment year', last12: 'Last 12 months', custom: 'Custom' },
    compute: 'Build the clause checklist', working: 'Building {{what}}… {{elapsed}} elapsed', badAnswer: 'the server did not answer with an evidence pack',
    problem: { from: 'Enter the first day', to: 'Enter the last day', order: 'The last day is before the first', 'too-long': 'At most 400 days: split the period' },
    checklist: 'Clause checklist', counts: 'pass {{pass}} · fail {{fail}} · insufficient data {{insufficient-data}}',
    clause: 'Clause', verdict: 'Verdict', coverage: 'Data coverage', excursions: 'Excursions', gaps: 'Data gaps',
    v: { pass: 'pass', fail: 'fail', 'insufficient-data': 'insufficient data' }, download: 'Download {{format}}',
  },
};
