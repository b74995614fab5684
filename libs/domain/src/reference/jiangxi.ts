import { Bank, Branch, Centre, Region, ReferenceSet } from './reference';

/** Jiangxi's cities and their counties and districts (GB/T 2260, as around 2011). */
const CITIES: Array<[string, string, string]> = [
  [
    '360100',
    '南昌市',
    '360102 东湖区,360103 西湖区,360104 青云谱区,360105 湾里区,360111 青山湖区,360121 南昌县,360122 新建县,360123 安义县,360124 进贤县',
  ],
  ['360200', '景德镇市', '360202 昌江区,360203 珠山区,360222 浮梁县,360281 乐平市'],
  ['360300', '萍乡市', '360302 安源区,360313 湘东区,360321 莲花县,360322 上栗县,360323 芦溪县'],
  [
    '360400',
    '九江市',
    '360402 庐山区,360403 浔阳区,360421 九江县,360423 武宁县,360424 修水县,360425 永修县,360426 德安县,360427 星子县,360428 都昌县,360429 湖口县,360430 彭泽县,360481 瑞昌市,360482 共青城市',
  ],
  ['360500', '新余市', '360502 渝水区,360521 分宜县'],
  ['360600', '鹰潭市', '360602 月湖区,360622 余江县,360681 贵溪市'],
  [
    '360700',
    '赣州市',
    '360702 章贡区,360721 赣县,360722 信丰县,360723 大余县,360724 上犹县,360725 崇义县,360726 安远县,360727 龙南县,360728 定南县,360729 全南县,360730 宁都县,360731 于都县,360732 兴国县,360733 会昌县,360734 寻乌县,360735 石城县,360781 瑞金市,360782 南康市',
  ],
  [
    '360800',
    '吉安市',
    '360802 吉州区,360803 青原区,360821 吉安县,360822 吉水县,360823 峡江县,360824 新干县,360825 永丰县,360826 泰和县,360827 遂川县,360828 万安县,360829 安福县,360830 永新县,360881 井冈山市',
  ],
  [
    '360900',
    '宜春市',
    '360902 袁州区,360921 奉新县,360922 万载县,360923 上高县,360924 宜丰县,360925 靖安县,360926 铜鼓县,360981 丰城市,360982 樟树市,360983 高安市',
  ],
  [
    '361000',
    '抚州市',
    '361002 临川区,361021 南城县,361022 黎川县,361023 南丰县,361024 崇仁县,361025 乐安县,361026 宜黄县,361027 金溪县,361028 资溪县,361029 东乡县,361030 广昌县',
  ],
  [
    '361100',
    '上饶市',
    '361102 信州区,361121 上饶县,361122 广丰县,361123 玉山县,361124 铅山县,361125 横峰县,361126 弋阳县,361127 余干县,361128 鄱阳县,361129 万年县,361130 婺源县,361181 德兴市',
  ],
];

/**
 * Centres beyond one per region (129 in all, as the programme had in 2011): those of development zones
 * and scenic areas, each under its city and serving the city's counties.
 */
const ZONE_CENTRES: Array<[string, string]> = [
  ['360100', '南昌经济技术开发区'],
  ['360100', '南昌高新技术产业开发区'],
  ['360100', '红谷滩新区'],
  ['360100', '小蓝经济开发区'],
  ['360200', '景德镇高新技术产业开发区'],
  ['360300', '萍乡经济技术开发区'],
  ['360400', '九江经济技术开发区'],
  ['360400', '庐山风景名胜区'],
  ['360500', '新余高新技术产业开发区'],
  ['360500', '仙女湖风景名胜区'],
  ['360600', '鹰潭高新技术产业开发区'],
  ['360600', '龙虎山风景名胜区'],
  ['360700', '赣州经济技术开发区'],
  ['360800', '井冈山经济技术开发区'],
  ['360900', '宜春经济技术开发区'],
  ['361000', '抚州金巢经济开发区'],
  ['361100', '上饶经济技术开发区'],
];

/** The 21 lending institutions and where they have branches taking these loans. */
type Reach = 'every-county' | 'city-seats' | 'nanchang' | string; // a city code: that city's counties
const BANKS: Array<[string, string, Reach]> = [
  ['ICBC', '中国工商银行', 'every-county'],
  ['ABC', '中国农业银行', 'every-county'],
  ['BOC', '中国银行', 'every-county'],
  ['CCB', '中国建设银行', 'every-county'],
  ['BOCOM', '交通银行', 'city-seats'],
  ['PSBC', '中国邮政储蓄银行', 'every-county'],
  ['RCC', '江西省农村信用社', 'every-county'],
  ['RCB', '农村商业银行', 'city-seats'],
  ['RCOOP', '农村合作银行', 'city-seats'],
  ['VB', '村镇银行', 'city-seats'],
  ['NCB', '南昌银行', '360100'],
  ['JJB', '九江银行', '360400'],
  ['GZB', '赣州银行', '360700'],
  ['SRB', '上饶银行', '361100'],
  ['JDZB', '景德镇市商业银行', '360200'],
  ['CMB', '招商银行', 'nanchang'],
  ['CITIC', '中信银行', 'nanchang'],
  ['CIB', '兴业银行', 'nanchang'],
  ['CEB', '中国光大银行', 'nanchang'],
  ['CMBC', '中国民生银行', 'nanchang'],
  ['HXB', '华夏银行', 'nanchang'],
];

function build(): ReferenceSet {
  const regions: Region[] = [{ code: '360000', name: '江西省', level: 'province' }];
  for (const [code, name, counties] of CITIES) {
    regions.push({ code, name, level: 'city', parent: '360000' });
    for (const entry of counties.split(',')) {
      const [countyCode, countyName] = entry.split(' ');
      regions.push({ code: countyCode, name: countyName, level: 'county', parent: code });
    }
  }
  const centres: Centre[] = regions.map((r) => ({ id: `GC-${r.code}`, name: `${r.name}小额担保贷款担保中心`, regionCode: r.code }));
  ZONE_CENTRES.forEach(([city, name], i) => {
    const n = ZONE_CENTRES.slice(0, i).filter(([c]) => c === city).length + 1;
    centres.push({ id: `GC-${city}-Z${n}`, name: `${name}小额担保贷款担保中心`, regionCode: city });
  });
  const banks: Bank[] = BANKS.map(([code, name]) => ({ code, name }));
  const counties = regions.filter((r) => r.level === 'county');
  const cities = regions.filter((r) => r.level === 'city');
  const branches: Branch[] = [];
  for (const [code, name, reach] of BANKS) {
    const places =
      reach === 'every-county'
        ? counties
        : reach === 'city-seats'
          ? cities
          : reach === 'nanchang'
            ? cities.filter((c) => c.code === '360100')
            : counties.filter((c) => c.parent === reach);
    for (const p of places) branches.push({ id: `${code}-${p.code}`, bankCode: code, regionCode: p.code, name: `${name}${p.name}支行` });
  }
  return { regions, centres, banks, branches };
}

export const JIANGXI_REFERENCE: ReferenceSet = build();
