// Simplified Chinese: the default language of the halls and the assessment.
export const zh = {
  app: { title: 'hallmon 大厅环境监测', skip: '跳到主要内容' },
  nav: { overview: '总览', hall: '受理大厅', queues: '排队与评价', rooms: '机房与档案室', alarms: '告警', devices: '设备', big: '大屏', evidence: '测评证据' },
  header: { site: '站点', logout: '退出', lang: 'English', langLabel: '切换到英文', user: '当前用户', sound: '告警声音已开启', soundOff: '点击任意处开启告警声音' },
  role: { admin: '管理员', netadmin: '网管', hall: '大厅主管', assessor: '测评（只读）' },
  login: { title: '登录', username: '用户名', password: '密码', submit: '登录', busy: '正在登录…', failed: '登录失败：{{message}}', expired: '登录已过期，请重新登录。' },
  conn: { lost: '连接已断开，正在重连…', connecting: '正在连接实时数据…', restored: '实时连接已恢复' },
  common: {
    loading: '加载中…', error: '出错了：{{message}}', retry: '重试', none: '无', now: '当前', limit: '限值', noData: '暂无数据',
    online: '在线', offline: '离线', unknown: '未知', indicative: '指示值', lastSeen: '最后上报', close: '关闭',
    warning: '警告', critical: '严重', all: '全部', from: '开始', to: '结束', apply: '应用', of: '/',
  },
  overview: {
    title: '全区总览', alarms: '活动告警', offline: '离线设备', noise: '当前噪声', mrTemp: '机房温度', mrRh: '机房湿度', open: '查看站点',
    sites: '共 {{count}} 个站点',
  },
  hall: {
    title: '受理大厅', noiseNow: '当前噪声', laeq5: 'LAeq,5min', filling: '窗口已积累 {{min}} / 5 分钟', line80: '80 dB(A) 限值',
    dayCurve: '今日噪声曲线（每分钟 LAeq）', excursions: '超标时段 {{count}} 段', sensor: '噪声传感器', climate: '大厅环境', season: { summer: '夏季限值', winter: '冬季限值' },
    temperature: '温度', humidity: '相对湿度', co2: '二氧化碳', illuminance: '照度', within: '达标', outside: '超限',
  },
  queues: {
    title: '排队与评价', waiting: '等候人数', meanWait: '平均等候（近 1 小时）', longestWait: '最长等候', minutes: '{{n}} 分钟', issued: '今日取号', served: '今日办结', abandoned: '过号/放弃',
    evalRate: '评价率（各窗口，目标 ≥ 70 %）', window: '窗口', rated: '评价数', rate: '评价率', bad: '差评', hallRate: '全厅',
    followups: '差评整改（“1、5、15”）', noFollowups: '没有待整改的差评', followupsUnavailable: '本服务器暂未提供差评整改跟踪', stage: { response: '1 个工作日内答复', simple: '5 个工作日内整改（简单）', complex: '15 个工作日内整改（复杂）', done: '已办结' },
    due: '期限', left: '剩余 {{span}}', overdue: '已超期 {{span}}', act: { respond: '已回复', complex: '标记复杂', resolve: '已整改' }, actFailed: '未能记录：{{message}}', ratedAt: '差评时间', score: '评分',
  },
  rooms: {
    title: '机房与档案室', machine: '机房', archive: '档案室', temperature: '温度', humidity: '相对湿度', dewPoint: '露点', band: '限值 {{band}}',
    trend: '趋势', range: { '24h': '24 小时', '7d': '7 天', '30d': '30 天', custom: '自定义' }, step: '粒度 {{step}}',
    mean: '均值', minmax: '最小/最大', gaps: '数据中断 {{count}} 处', fast: '快速变化 {{count}} 处', rangeInvalid: '请选择有效的时间范围（结束晚于开始）', rangeTooLong: '时间范围最多 400 天',
    noRooms: '该站点没有机房或档案室传感器',
  },
  alarms: {
    title: '告警', active: '活动告警', history: '历史', site: '站点', clause: '条款', severity: '级别', rule: '规则', sensor: '传感器', started: '开始', cleared: '结束',
    peak: '峰值', state: '状态', raised: '进行中', clearedState: '已恢复', acked: '已确认', ackedBy: '{{user}} 于 {{at}} 确认', ack: '确认', note: '处理说明', notePlaceholder: '例如：已重启空调，温度回落中',
    confirm: '确认告警', cancel: '取消', empty: '没有符合条件的告警', newCritical: '新的严重告警', readOnly: '只读账号不能确认告警',
  },
  devices: { title: '设备', device: '设备', zone: '区域', status: '状态', lastSeen: '最后上报', errors: '错误计数', faults: '本月故障', repair: '修复用时', workingDays: '{{n}} 个工作日', openFault: '故障未修复（自 {{at}}）', overLimit: '超出 1.2.1 要求' },
  big: { title: '大屏', fullscreen: '全屏', exitFullscreen: '退出全屏', next: '下一页', panel: '第 {{n}} / {{total}} 页' },
  notFound: { title: '没有这个页面', back: '返回首页', forbidden: '当前角色无权查看此页面' },
  evidence: {
    title: '测评证据包', intro: '按条款汇总抽样期间的监测数据（判定、覆盖率、超标次数），可下载中文 PDF、CSV 和 JSON。一年的数据需要计算几秒钟。',
    preset: { assessment: '测评抽样年度', last12: '最近 12 个月', custom: '自定义' },
    compute: '生成条款核对表', working: '正在生成 {{what}}… 已用时 {{elapsed}}', badAnswer: '服务器返回的不是证据包',
    problem: { from: '请填写开始日期', to: '请填写结束日期', order: '结束日期不能早于开始日期', 'too-long': '期间不能超过 400 天，请分段生成' },
    checklist: '条款核对表', counts: '符合 {{pass}} · 不符合 {{fail}} · 数据不足 {{insufficient-data}}',
    clause: '条款', verdict: '判定', coverage: '数据覆盖率', excursions: '超标次数', gaps: '数据缺口',
    v: { pass: '符合', fail: '不符合', 'insufficient-data': '数据不足' }, download: '下载 {{format}}',
  },
};
export type Messages = typeof zh;
