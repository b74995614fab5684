/* 数据看板: reads the API with the user's token and draws the bulletin, its charts, the ledgers and a loan's history. */
'use strict';

const $ = (id) => document.getElementById(id);
const state = { month: '', region: '360000', regions: new Map(), ledgerPage: 1, charts: {} };

/** An amount in fen as 万元 (ten thousand yuan) to two decimals, for charts and cards. */
const wan = (fen) => Math.round(fen / 10_000) / 100;
const yuan = (fen) => (fen === null || fen === undefined ? '' : (fen / 100).toLocaleString('zh-CN', { minimumFractionDigits: 2 }));
const percent = (bp) => (bp === null || bp === undefined ? '—' : `${(bp / 100).toFixed(2)}%`);
const word = (kind, code) => (WORDS[kind] && WORDS[kind][code]) || code;
const regionName = (code) => (state.regions.get(code) || { name: code }).name;

// ---- the API, with the user's token ------------------------------------------------------------------

function token() {
  return $('token').value.trim();
}

async function api(path) {
  const response = await fetch(path, { headers: { authorization: `Bearer ${token()}` } });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.detail || `${response.status}`);
  return body;
}

async function download(path, name) {
  const response = await fetch(path, { headers: { authorization: `Bearer ${token()}` } });
  if (!response.ok) throw new Error((await response.json().catch(() => ({}))).detail || `${response.status}`);
  const link = document.createElement('a');
  link.href = URL.createObjectURL(await response.blob());
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
}

function say(error) {
  $('message').textContent = error ? `无法显示：${error.message || error}` : '';
}

// ---- the page ----------------------------------------------------------------------------------------

async function start() {
  const params = new URLSearchParams(location.hash.slice(1));
  $('token').value = params.get('token') || sessionStorage.getItem('dashboard-token') || '';
  $('month').value = params.get('month') || new Date().toISOString().slice(0, 7);
  state.region = params.get('region') || '360000';
  $('show').addEventListener('click', () => show($('region').value));
  $('region').addEventListener('change', () => show($('region').value));
  $('month').addEventListener('change', () => show(state.region));
  $('export-bulletin').addEventListener('click', () =>
    download(
      `/exports/bulletin?month=${state.month}&region=${state.region}&format=xlsx`,
      `通报-${state.month}-${regionName(state.region)}.xlsx`,
    ).catch(say),
  );
  $('ledger').addEventListener('change', () => ledger(1).catch(say));
  $('ledger-at').addEventListener('change', () => ledger(1).catch(say));
  $('ledger-prev').addEventListener('click', () => ledger(Math.max(1, state.ledgerPage - 1)).catch(say));
  $('ledger-next').addEventListener('click', () => ledger(state.ledgerPage + 1).catch(say));
  $('export-ledger').addEventListener('click', () =>
    download(
      `/exports/${$('ledger').value}?format=xlsx${ledgerAt()}${ledgerFilter()}`,
      `${$('ledger').selectedOptions[0].text}.xlsx`,
    ).catch(say),
  );
  window.addEventListener('resize', () => Object.values(state.charts).forEach((c) => c.resize()));
  if (token()) await show(state.region);
  else say(new Error('请先输入令牌（npm run cli -- auth token …）'));
}

async function show(region) {
  say();
  sessionStorage.setItem('dashboard-token', token());
  state.month = $('month').value;
  state.region = region;
  document.body.dataset.loading = 'true';
  try {
    if (!state.regions.size) {
      const reference = await api('/reference');
      for (const r of reference.regions) state.regions.set(r.code, r);
    }
    regionChoices();
    const bulletin = await api(`/bulletin?month=${state.month}&region=${region}`);
    const own = bulletin.rows.find((r) => r.regionCode === region);
    const children = bulletin.rows.filter((r) => r.regionCode !== region);
    trail();
    cards(own);
    ranking(children.length ? children : [own]);
    charts(own, children.length ? children : [own]);
    await countyMap(own, children);
    await monthly(region);
    await ledger(1);
  } catch (error) {
    say(error);
  } finally {
    document.body.dataset.loading = 'false';
  }
}

function regionChoices() {
  const select = $('region');
  const shown = [...state.regions.values()].filter((r) => r.level !== 'county' || r.parent === state.region || r.code === state.region);
  select.replaceChildren(
    ...shown.map((r) => new Option(`${r.level === 'county' ? '　　' : r.level === 'city' ? '　' : ''}${r.name}`, r.code)),
  );
  select.value = state.region;
}

function trail() {
  const chain = [];
  for (let code = state.region; code; code = (state.regions.get(code) || {}).parent) chain.unshift(code);
  $('trail').replaceChildren(
    ...chain.flatMap((code, i) => {
      const link = document.createElement('a');
      link.textContent = regionName(code);
      link.addEventListener('click', () => show(code));
      return i ? [document.createTextNode(' › '), link] : [link];
    }),
  );
}

function cards(row) {
  $('title').textContent = `${regionName(row.regionCode)} ${state.month} 概况`;
  const items = [
    ['本月发放笔数', row.disbursed.month.loans, 'month-loans'],
    ['本月发放金额（万元）', wan(row.disbursed.month.amountFen), 'month-amount'],
    ['本年发放金额（万元）', wan(row.disbursed.yearToDate.amountFen), 'year-amount'],
    ['累计发放金额（万元）', wan(row.disbursed.cumulative.amountFen), 'cumulative-amount'],
    ['贷款余额（万元）', wan(row.outstandingFen), 'outstanding'],
    ['本年目标完成率', row.target ? percent(row.target.completionAmountBp) : '—', 'completion'],
    ['时间进度', row.target ? percent(row.target.timePaceBp) : '—', 'time-pace'],
    ['逾期率', percent(row.overdueRateBp), 'overdue-rate'],
    ['到期回收率', percent(row.matured.recoveryRateBp), 'recovery-rate'],
    ['基金放大倍数', row.fund.leverageBp === null ? '—' : `${(row.fund.leverageBp / 10_000).toFixed(2)} 倍`, 'leverage'],
  ];
  $('cards').replaceChildren(
    ...items.map(([label, value, key]) => {
      const card = document.createElement('div');
      card.className = 'card';
      card.dataset.figure = key;
      card.innerHTML = '<div class="label"></div><div class="value"></div>';
      card.firstChild.textContent = label;
      card.lastChild.textContent = String(value);
      return card;
    }),
  );
}

function table(element, headers, rows, onClick) {
  const head = document.createElement('thead');
  head.innerHTML = '<tr></tr>';
  for (const h of headers) head.firstChild.appendChild(Object.assign(document.createElement('th'), { textContent: h }));
  const body = document.createElement('tbody');
  for (const { cells, key } of rows) {
    const tr = document.createElement('tr');
    tr.dataset.key = key;
    if (onClick) {
      tr.className = 'link';
      tr.addEventListener('click', () => onClick(key));
    }
    cells.forEach((cell, i) =>
      tr.appendChild(Object.assign(document.createElement('td'), { textContent: String(cell ?? ''), className: i ? '' : 'text' })),
    );
    body.appendChild(tr);
  }
  element.replaceChildren(head, body);
}

function ranking(rows) {
  const ranked = [...rows].sort((a, b) => b.disbursed.yearToDate.amountFen - a.disbursed.yearToDate.amountFen);
  const drill = (code) => ((state.regions.get(code) || {}).level === 'county' && code === state.region ? null : show(code));
  table(
    $('ranking'),
    [
      '地区',
      '本月笔数',
      '本月金额（万元）',
      '本年金额（万元）',
      '年度目标（万元）',
      '完成率',
      '时间进度',
      '排名',
      '贷款余额（万元）',
      '逾期率',
    ],
    ranked.map((r) => ({
      key: r.regionCode,
      cells: [
        r.regionName,
        r.disbursed.month.loans,
        wan(r.disbursed.month.amountFen),
        wan(r.disbursed.yearToDate.amountFen),
        r.target ? wan(r.target.amountFen) : '—',
        r.target ? percent(r.target.completionAmountBp) : '—',
        r.target ? percent(r.target.timePaceBp) : '—',
        r.target && r.target.rank ? r.target.rank : '—',
        wan(r.outstandingFen),
        percent(r.overdueRateBp),
      ],
    })),
    drill,
  );
}

// ---- charts (Apache ECharts) -------------------------------------------------------------------------

function chart(id, option) {
  state.charts[id] = state.charts[id] || echarts.init($(id));
  state.charts[id].setOption(option, true);
}

const pie = (entries) => ({
  tooltip: { trigger: 'item' },
  legend: { bottom: 0, type: 'scroll' },
  series: [{ type: 'pie', radius: ['35%', '65%'], data: entries.filter((e) => e.value > 0) }],
});
const bars = (names, series, extra = {}) => ({
  tooltip: { trigger: 'axis' },
  legend: { top: 0 },
  grid: { left: 48, right: 16, bottom: 60, top: 32 },
  xAxis: { type: 'category', data: names, axisLabel: { rotate: names.length > 6 ? 40 : 0 } },
  yAxis: { type: 'value' },
  series,
  ...extra,
});

function charts(own, children) {
  const mix = (by, kind) => Object.entries(by).map(([code, p]) => ({ name: word(kind, code), value: wan(p.yearToDate.amountFen) }));
  chart('chart-categories', pie(mix(own.byCategory, 'category')));
  chart('chart-kinds', pie(mix(own.byKind, 'kind')));
  const names = children.map((r) => r.regionName);
  chart(
    'chart-ranking',
    bars(names, [{ name: '本年发放', type: 'bar', data: children.map((r) => wan(r.disbursed.yearToDate.amountFen)) }]),
  );
  chart(
    'chart-leverage',
    bars(
      names,
      [
        {
          name: '放大倍数',
          type: 'bar',
          data: children.map((r) => (r.fund.leverageBp === null ? 0 : r.fund.leverageBp / 10_000)),
          markLine: { data: [{ yAxis: 5, name: '上限' }], label: { formatter: '上限 5 倍' } },
        },
      ],
      { yAxis: { type: 'value', max: (extent) => Math.max(extent.max, 5.5) } },
    ),
  );
  const rate = (bp) => (bp === null ? null : bp / 100);
  chart(
    'chart-rates',
    bars(names, [
      { name: '逾期率', type: 'bar', data: children.map((r) => rate(r.overdueRateBp)) },
      { name: '到期回收率', type: 'bar', data: children.map((r) => rate(r.matured.recoveryRateBp)) },
    ]),
  );
}

/**
 * The province by county (shapes from the registry's county boundaries, keyed by GB/T 2260 code), coloured by
 * the year's lending: every county at the province, a city's counties at a city, the one county at a county.
 * A county on the map drills down to it.
 */
async function countyMap(own, children) {
  if (!echarts.getMap('jiangxi')) echarts.registerMap('jiangxi', await (await fetch('/dashboard/jiangxi.json')).json());
  const level = (state.regions.get(own.regionCode) || {}).level;
  const counties =
    level === 'province'
      ? (await Promise.all(children.map((c) => api(`/bulletin?month=${state.month}&region=${c.regionCode}`)))).flatMap((b) =>
          b.rows.filter((r) => (state.regions.get(r.regionCode) || {}).level === 'county'),
        )
      : level === 'city'
        ? children
        : [own];
  const data = counties.map((r) => ({ name: r.regionCode, value: wan(r.disbursed.yearToDate.amountFen) }));
  chart('chart-map', {
    tooltip: { trigger: 'item', formatter: (p) => `${regionName(p.name)}：${Number.isNaN(Number(p.value)) ? '—' : p.value} 万元` },
    visualMap: { min: 0, max: Math.max(1, ...data.map((d) => d.value)), left: 8, bottom: 8, text: ['高', '低'], calculable: true },
    series: [{ type: 'map', map: 'jiangxi', roam: true, data, emphasis: { label: { show: false } } }],
  });
  state.charts['chart-map'].off('click');
  state.charts['chart-map'].on('click', (p) => state.regions.has(p.name) && show(p.name));
}

/** Each month of the year to the chosen one: lent and principal recovered in the month. */
async function monthly(region) {
  const [year, last] = state.month.split('-').map(Number);
  const months = Array.from({ length: last }, (_, i) => `${year}-${String(i + 1).padStart(2, '0')}`);
  const rows = await Promise.all(
    months.map(async (m) => (await api(`/bulletin?month=${m}&region=${region}`)).rows.find((r) => r.regionCode === region)),
  );
  chart(
    'chart-monthly',
    bars(months, [
      { name: '发放', type: 'bar', data: rows.map((r) => wan(r.disbursed.month.amountFen)) },
      { name: '回收本金', type: 'line', data: rows.map((r) => wan(r.principalRepaid.monthFen)) },
    ]),
  );
}

// ---- the ledgers and a loan's history ----------------------------------------------------------------

const LEDGERS = {
  business: {
    path: '/ledgers/business',
    columns: [
      ['贷款编号', (r) => r.loanId],
      ['县(区)', (r) => regionName(r.countyCode)],
      ['贷款类型', (r) => word('kind', r.kind)],
      ['状态', (r) => word('status', r.status)],
      ['发放日期', (r) => r.disbursedOn],
      ['发放金额(元)', (r) => yuan(r.disbursedAmountFen)],
      ['贷款余额(元)', (r) => yuan(r.outstandingPrincipalFen)],
      ['逾期本金(元)', (r) => yuan(r.overduePrincipalFen)],
    ],
    key: (r) => r.loanId,
  },
  funds: {
    path: '/ledgers/funds',
    columns: [
      ['担保基金', (r) => r.fundId],
      ['余额(元)', (r) => yuan(r.balanceFen)],
      ['在保余额(元)', (r) => yuan(r.exposureFen)],
      ['在保笔数', (r) => r.guaranteesOpen],
      ['放大倍数', (r) => (r.leverageBp === null ? '—' : (r.leverageBp / 10_000).toFixed(2))],
    ],
  },
  'fund-movements': {
    path: '/ledgers/fund-movements',
    columns: [
      ['担保基金', (r) => r.fundId],
      ['日期', (r) => r.businessDate],
      ['摘要', (r) => word('movement', r.kind)],
      ['收入(元)', (r) => yuan(r.cashInFen)],
      ['支出(元)', (r) => yuan(r.cashOutFen)],
      ['余额(元)', (r) => yuan(r.balanceAfterFen)],
    ],
  },
  'subsidy-loans': {
    path: '/ledgers/subsidy/loans',
    columns: [
      ['贷款编号', (r) => r.loanId],
      ['季度', (r) => r.quarter],
      ['已付利息(元)', (r) => yuan(r.interestPaidFen)],
      ['中央贴息(元)', (r) => yuan(r.centralDueFen)],
      ['地方贴息(元)', (r) => yuan(r.localDueFen)],
    ],
    key: (r) => r.loanId,
  },
  'subsidy-banks': {
    path: '/ledgers/subsidy/banks',
    columns: [
      ['银行', (r) => r.bankCode],
      ['季度', (r) => r.quarter],
      ['应贴息(元)', (r) => yuan(r.centralDueFen + r.localDueFen)],
      ['已申请(元)', (r) => yuan(r.centralClaimedFen + r.localClaimedFen)],
      ['已拨付(元)', (r) => yuan(r.centralPaidFen + r.localPaidFen)],
    ],
  },
  journal: {
    path: '/ledgers/journal',
    columns: [
      ['账簿', (r) => r.book],
      ['日期', (r) => r.businessDate],
      ['凭证号', (r) => r.voucher],
      ['科目', (r) => r.account],
      ['借方(元)', (r) => yuan(r.debitFen)],
      ['贷方(元)', (r) => yuan(r.creditFen)],
    ],
  },
};

/** The chosen region as the ledger's filter, where the ledger has one. */
function ledgerFilter() {
  const level = (state.regions.get(state.region) || {}).level;
  const ledger = $('ledger').value;
  if (level === 'county' && (ledger === 'business' || ledger === 'subsidy-loans')) return `&countyCode=${state.region}`;
  if (level === 'city' && ledger === 'business') return `&cityCode=${state.region}`;
  return '';
}

/**
 * The ledgers as they stand now, or as they stood at the chosen month's end: a page as of a date is rebuilt
 * from the history, quick for a county, up to a minute province-wide (docs/dashboard.md).
 */
function ledgerAt() {
  if ($('ledger-at').value === 'now') return '';
  const [year, month] = state.month.split('-').map(Number);
  return `&asOf=${new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10)}`;
}

async function ledger(page) {
  const spec = LEDGERS[$('ledger').value];
  const answer = await api(`${spec.path}?page=${page}&pageSize=20${ledgerAt()}${ledgerFilter()}`);
  state.ledgerPage = page;
  $('ledger-page').textContent = `第 ${page} 页，共 ${Math.max(1, Math.ceil(answer.total / 20))} 页（${answer.total} 条）`;
  table(
    $('ledger-table'),
    spec.columns.map(([h]) => h),
    answer.rows.map((r, i) => ({ key: spec.key ? spec.key(r) : String(i), cells: spec.columns.map(([, f]) => f(r)) })),
    spec.key ? (loanId) => loan(loanId).catch(say) : null,
  );
}

async function loan(loanId) {
  $('loan').hidden = false;
  $('loan-title').textContent = `贷款 ${loanId} 的记录`;
  const history = await api(`/loans/${loanId}/events`).catch((error) => {
    $('history').replaceChildren(Object.assign(document.createElement('li'), { textContent: `无法查看：${error.message}` }));
    return null;
  });
  if (!history) return;
  $('history').replaceChildren(
    ...history.events.map((e) => {
      const money =
        e.type === 'Repaid'
          ? ` 本金 ${yuan(e.data.principal)} 元，利息 ${yuan(e.data.interest)} 元`
          : e.data.amount !== undefined
            ? ` ${yuan(e.data.amount)} 元`
            : '';
      const li = document.createElement('li');
      li.dataset.type = e.type;
      li.textContent = `${e.metadata.businessDate || e.recordedAt.slice(0, 10)} ${word('event', e.type)}${money}`;
      return li;
    }),
  );
  $('loan').scrollIntoView();
}

start().catch(say);
