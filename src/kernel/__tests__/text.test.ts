import { describe, expect, it } from 'vitest';
import { queryTokens, searchText, tokenHolder, tokenize } from '../text.ts';

const SENTENCES = [
  '荷塘区开展“走基层、找问题、想办法、促发展”活动。',
  '34名区级领导每人领衔一个调研课题，深入园区、企业、村（社区）。',
  '帮助3家企业通过动产抵押融资3500万元。',
  '盘活闲置土地34.23亩，重新招商引资。',
  '企需我应：解决企业诉求15个；民呼我为：解决群众急难愁盼问题53个。',
  '“荷塘大就业”平台让劳动者一次注册、随时查看用工需求。',
  '家门口就业地图上线，零工服务中心每天开门。',
  '“我的荷塘”App实现全区29所公办学校缴费一站式办理。',
  '居家养老提供助洁、助餐、助医、助浴、助行、助急6项服务。',
  '健康公益食堂每餐10余个菜品，老人步行可达。',
  '单证速办：临时身份证从3天缩短到3分钟。',
  '月塘街道民族团结服务站服务流动人口8万人。',
  '爱蕾小屋为困境儿童改造房间，“五支队伍”提供“六项服务”。',
  '爱心企业捐赠大米60袋、食用油60桶、牛奶60箱。',
  '储备一批、推进一批、开工一批、竣工一批。',
  '冬季取暖谨防一氧化碳中毒！',
  '12345热线接诉即办，响应率、解决率、满意率“三率”考核。',
  '问题编号HT-2024-0001已交办区发改局，限期整改。',
  '申请销号须附佐证材料，督查室审核后方可销号。',
  '服务对象评价为不满意的，重新办理（重办）。',
  '村里的路灯坏了三个月，晚上出行很不方便。',
  '小区电梯老化，经常停运，老人上下楼困难。',
  '学校门口早晚高峰交通拥堵，希望增设信号灯。',
  '企业反映用电报装时间过长，影响投产进度。',
  '农村饮水安全问题：水质浑浊，需要检测。',
  '老旧小区改造中雨污分流工程进展缓慢。',
  '社区卫生服务中心缺少全科医生。',
  '零工市场信息发布不及时，求职者找不到岗位。',
  '反映人张先生，联系电话13812341234。',
  '统一社会信用代码91350100M000100Y43的企业申请贷款贴息。',
  '石峰区与经开区合并后召开联席会议，建立6项常态化机制。',
  'ＡＢＣ公司在１２３号地块建设厂房。',
  '𠀋𠀌是扩展B区的汉字，也要能搜到。',
  'Café à la carte 与中文混排 naïve résumé。',
  '湖南省株洲市荷塘区宋家桥街道',
  '的',
  '一',
  '好好好好好',
  '长期坚持类问题每季度报送一次进展。',
  '立行立改、限期整改、长期坚持三种整改类型。',
];

const isLatinOrDigit = (ch: string): boolean => /[\p{L}\p{N}]/u.test(ch) && !/\p{Script=Han}/u.test(ch);

/** Every substring of `s` that does not cut a Latin/number word in half. */
function* wholeWordSubstrings(s: string): Generator<string> {
  const chars = Array.from(s);
  const n = chars.length;
  const cuts = (k: number): boolean =>
    k > 0 && k < n && isLatinOrDigit(chars[k - 1]) && isLatinOrDigit(chars[k]);
  for (let i = 0; i < n; i++) {
    if (cuts(i)) continue;
    for (let j = i + 1; j <= n; j++) {
      if (!cuts(j)) yield chars.slice(i, j).join('');
    }
  }
}

describe('tokenize', () => {
  it('lowercases, keeps Latin and number words whole, and adds CJK words, bigrams and characters', () => {
    const tokens = tokenize('荷塘区问题清单 iPhone15 手机 3.5元');
    expect(tokens).toEqual(expect.arrayContaining(['荷塘', '塘区', '区问', '问题', '清单', '荷', '单']));
    expect(tokens).toEqual(expect.arrayContaining(['iphone15', '手机', '3', '5', '元']));
    expect(tokens).not.toContain('iPhone15');
  });

  it('indexes only bigrams and characters of a CJK run, never longer dictionary words', () => {
    const text = '中华人民共和国国务院办公厅发布通知';
    const tokens = tokenize(text);
    expect(tokens.every((t) => [...t].length <= 2)).toBe(true);
    expect(tokens).toContain('国务');
    expect(tokens).toContain('院');
  });

  it('is de-duplicated and stable', () => {
    const tokens = tokenize('好好好好好 abc ABC abc');
    expect([...tokens].sort()).toEqual(['abc', '好', '好好']);
    expect(tokenize('走基层、找问题')).toEqual(tokenize('走基层、找问题'));
  });

  it('emits only letters, digits and CJK characters', () => {
    for (const s of SENTENCES) {
      for (const t of tokenize(s)) expect(t).toMatch(/^[\p{L}\p{N}\p{M}]+$/u);
    }
    expect(tokenize('“”‘’「」《》！？。，、；：…—（）"\'<>&%$#@!*')).toEqual([]);
  });

  it('folds full-width letters and digits', () => {
    expect(tokenize('ＡＢＣ１２３')).toEqual(['abc123']);
  });

  it('keeps characters outside the BMP together', () => {
    expect(tokenize('𠀋𠀌')).toEqual(['𠀋𠀌', '𠀋', '𠀌']);
  });

  it('ignores zero-width characters inside a run', () => {
    expect(tokenize('问\u200b题')).toEqual(tokenize('问题'));
    expect(tokenize('\ufeff葛\u{E0100}城\u00ad')).toEqual(tokenize('葛城'));
  });

  it('returns nothing for empty text', () => {
    expect(tokenize('')).toEqual([]);
  });
});

describe('searchText', () => {
  it('joins the tokens of all parts with single spaces and skips null parts', () => {
    expect(searchText('张三', null, undefined, '', 'ABC')).toBe('张三 张 三 abc');
    expect(searchText()).toBe('');
  });

  it('does not make bigrams across parts', () => {
    expect(searchText('张', '三').split(' ')).not.toContain('张三');
  });
});

describe('queryTokens', () => {
  it('uses bigrams for CJK runs, the character for one-character runs, and whole words', () => {
    expect(queryTokens('路灯坏了')).toEqual(['路灯', '灯坏', '坏了']);
    expect(queryTokens('的')).toEqual(['的']);
    expect(queryTokens('HT-2024 问题')).toEqual(['ht', '2024', '问题']);
    expect(queryTokens('“，。”')).toEqual([]);
  });

  it('caps at 16 tokens, keeping a chain of bigrams that covers every character', () => {
    const q = '企业反映用电报装时间过长影响投产进度希望尽快解决';
    const tokens = queryTokens(q);
    expect(tokens).toHaveLength(16);
    const covered = new Set<number>();
    const chars = Array.from(q);
    for (let k = 0; k + 1 < chars.length; k++) {
      if (tokens.includes(chars[k] + chars[k + 1])) covered.add(k).add(k + 1);
    }
    expect(covered.size).toBe(chars.length);
  });

  it('matches every document that contains the query (whole Latin/number words)', () => {
    let checked = 0;
    for (const doc of SENTENCES) {
      const indexed = new Set(searchText('标题', doc, '备注').split(' '));
      for (const q of wholeWordSubstrings(doc)) {
        for (const t of queryTokens(q)) {
          if (!indexed.has(t)) expect.fail(`"${q}" → token "${t}" not indexed for "${doc}"`);
        }
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(5_000);
  });

  it('does not match a document lacking the words', () => {
    const indexed = new Set(tokenize(SENTENCES[20]));
    expect(queryTokens('电梯').every((t) => indexed.has(t))).toBe(false);
    expect(queryTokens('路灯').every((t) => indexed.has(t))).toBe(true);
  });
});

describe('tokenHolder', () => {
  it('holds exactly the query tokens that tokenize finds in the text', () => {
    // Random texts over CJK (incl. an extension-B character), full-width and Latin letters, digits,
    // combining marks, invisible characters and punctuation; queries cut from them and from the sentences.
    const alphabet = [...'路灯不亮就业老年食堂月塘ＡＢ１２abcHT-2024 ，。\n\u0301\u200b𠀋々'];
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const text = (n: number) => Array.from({ length: n }, () => alphabet[rand(alphabet.length)]).join('');
    for (let i = 0; i < 400; i++) {
      const doc = i % 4 === 0 ? SENTENCES[i % SENTENCES.length]! : text(5 + rand(40));
      const query = i % 2 === 0 ? text(1 + rand(6)) : doc.slice(rand(doc.length), rand(doc.length) + 4);
      const tokens = queryTokens(query);
      const held = new Set(tokenize(doc));
      expect(tokenHolder(tokens)(doc), `${query} in ${doc}`).toEqual(tokens.map((t) => held.has(t)));
    }
  });
});

describe('performance', () => {
  it('tokenises a million Chinese characters within a few seconds', () => {
    const text = SENTENCES.join('').repeat(40); // about 40 000 characters
    const start = performance.now();
    let n = 0;
    for (let i = 0; i < 25; i++) n += tokenize(text).length;
    expect(n).toBeGreaterThan(0);
    expect(performance.now() - start).toBeLessThan(5000);
  });
});
