/**
 * Name material for the synthetic district: the ~100 most common Chinese surnames with their approximate
 * shares (per cent of the population, national household registration statistics), given-name characters by
 * generation and sex, and a few foreign names for residents without a Chinese ID.
 */
import type { Random } from './random.js';
import { Weighted, zipf } from './random.js';

// prettier-ignore
const SURNAMES: readonly (readonly [string, number])[] = [
  ['王', 7.12], ['李', 7.0], ['张', 6.74], ['刘', 5.1], ['陈', 4.61], ['杨', 3.22], ['黄', 2.45], ['赵', 2.19],
  ['吴', 2.0], ['周', 1.95], ['徐', 1.67], ['孙', 1.54], ['马', 1.44], ['朱', 1.42], ['胡', 1.31], ['郭', 1.13],
  ['何', 1.1], ['林', 1.09], ['高', 1.06], ['罗', 0.92], ['郑', 0.88], ['梁', 0.87], ['谢', 0.73], ['宋', 0.68],
  ['唐', 0.65], ['许', 0.63], ['韩', 0.59], ['冯', 0.58], ['邓', 0.57], ['曹', 0.55], ['彭', 0.54], ['曾', 0.51],
  ['肖', 0.5], ['田', 0.48], ['董', 0.47], ['袁', 0.46], ['潘', 0.45], ['于', 0.44], ['蒋', 0.43], ['蔡', 0.42],
  ['余', 0.41], ['杜', 0.4], ['叶', 0.4], ['程', 0.39], ['苏', 0.38], ['魏', 0.37], ['吕', 0.36], ['丁', 0.35],
  ['任', 0.34], ['沈', 0.34], ['姚', 0.33], ['卢', 0.32], ['姜', 0.31], ['崔', 0.3], ['钟', 0.29], ['谭', 0.29],
  ['陆', 0.28], ['汪', 0.28], ['范', 0.27], ['金', 0.27], ['石', 0.26], ['廖', 0.25], ['贾', 0.24], ['夏', 0.24],
  ['韦', 0.23], ['付', 0.23], ['方', 0.23], ['白', 0.22], ['邹', 0.22], ['孟', 0.21], ['熊', 0.21], ['秦', 0.2],
  ['邱', 0.2], ['江', 0.2], ['尹', 0.19], ['薛', 0.19], ['闫', 0.18], ['段', 0.18], ['雷', 0.17], ['侯', 0.17],
  ['龙', 0.17], ['史', 0.16], ['陶', 0.16], ['黎', 0.15], ['贺', 0.15], ['顾', 0.15], ['毛', 0.14], ['郝', 0.14],
  ['龚', 0.14], ['邵', 0.13], ['万', 0.13], ['钱', 0.13], ['严', 0.12], ['覃', 0.12], ['武', 0.12], ['戴', 0.12],
  ['莫', 0.11], ['孔', 0.11], ['向', 0.11], ['汤', 0.1], ['常', 0.1], ['温', 0.1], ['康', 0.1], ['施', 0.09],
];

type Generation = 'old' | 'middle' | 'young';
type Sex = 'male' | 'female';

/** Characters and whole given names, most common first, per generation and sex. */
const GIVEN: Record<Generation, Record<Sex, { chars: string; whole: string[] }>> = {
  old: {
    male: {
      chars: '国建明华德文志平福荣金海林春成军忠永宝贵生发兴庆祥民学胜树根才富良山',
      whole: [
        '建国',
        '国庆',
        '建华',
        '志强',
        '德明',
        '国强',
        '建平',
        '文华',
        '永明',
        '金福',
        '建军',
        '国华',
        '桂林',
        '树林',
        '富贵',
        '学文',
        '振华',
        '国平',
        '德华',
        '建明',
      ],
    },
    female: {
      chars: '秀英兰桂珍凤玉芳梅华琴云霞莲淑金春月美翠菊花娥彩素巧荣香',
      whole: [
        '秀英',
        '桂英',
        '秀兰',
        '玉兰',
        '桂兰',
        '凤英',
        '淑珍',
        '玉珍',
        '秀珍',
        '玉英',
        '兰英',
        '桂芳',
        '秀芳',
        '凤兰',
        '金凤',
        '秀梅',
        '桂珍',
        '美华',
        '翠英',
        '素珍',
      ],
    },
  },
  middle: {
    male: {
      chars: '伟勇军磊涛斌强鹏杰峰超波辉刚健明亮俊飞鑫浩宇华海林东晓志建平文毅宏斌彬剑锋龙军伟',
      whole: [
        '伟',
        '勇',
        '军',
        '磊',
        '涛',
        '斌',
        '强',
        '鹏',
        '杰',
        '峰',
        '超',
        '波',
        '辉',
        '刚',
        '健',
        '晓东',
        '志刚',
        '海涛',
        '建伟',
        '文杰',
      ],
    },
    female: {
      chars: '丽娟敏静燕艳玲芳霞红婷慧莉萍雪琳丹倩洁颖晶娜琴英梅云佳晓春丽华霞玉',
      whole: [
        '丽',
        '娟',
        '敏',
        '静',
        '燕',
        '艳',
        '玲',
        '芳',
        '霞',
        '红',
        '婷',
        '慧',
        '晓燕',
        '丽娟',
        '海燕',
        '春梅',
        '晓丽',
        '雪梅',
        '丽华',
        '晓红',
      ],
    },
  },
  young: {
    male: {
      chars: '浩宇轩子梓博文俊杰睿泽晨一诺宸铭昊航逸瑞明哲天翔嘉豪然辰宁安佑煜皓',
      whole: [
        '子轩',
        '浩然',
        '宇轩',
        '梓轩',
        '俊杰',
        '浩宇',
        '子豪',
        '博文',
        '一诺',
        '睿泽',
        '宇航',
        '子墨',
        '奕辰',
        '天佑',
        '铭泽',
        '皓轩',
        '嘉豪',
        '俊熙',
        '思远',
        '晨阳',
      ],
    },
    female: {
      chars: '欣怡涵梓萱雨诗琪子可佳思悦若一语馨婉瑶依彤妍琳雪晴心然欣涵菲',
      whole: [
        '欣怡',
        '梓涵',
        '雨桐',
        '可馨',
        '诗琪',
        '梓萱',
        '思涵',
        '一诺',
        '语桐',
        '佳怡',
        '若汐',
        '雨涵',
        '子涵',
        '欣妍',
        '梦琪',
        '诗涵',
        '雨欣',
        '芷若',
        '依诺',
        '心怡',
      ],
    },
  },
};

// prettier-ignore
const FOREIGN_NAMES = [
  'SMITH JOHN', 'KIM MINJUN', 'TANAKA HIROSHI', 'NGUYEN VAN AN', 'MULLER ANNA', 'GARCIA MARIA', 'PARK JIWOO',
  'SATO YUKI', 'BROWN DAVID', 'IVANOV SERGEI', 'SILVA PEDRO', 'KHAN AISHA', 'LEE SOYEON', 'WILSON EMMA',
  'MARTIN LUCAS', 'ROSSI GIULIA', 'SUZUKI KENJI', 'TRAN THI MAI', 'SCHMIDT JONAS', 'DUBOIS CLAIRE',
];

export class NameMaker {
  private readonly surnames = new Weighted(SURNAMES);
  private readonly tables: Record<Generation, Record<Sex, { chars: Weighted<string>; whole: Weighted<string> }>>;

  constructor(private readonly rng: Random) {
    const build = (g: Generation, s: Sex) => {
      const source = GIVEN[g][s];
      const chars = [...new Set([...source.chars].filter((c) => /\p{Script=Han}/u.test(c)))];
      return { chars: zipf(chars, 0.75), whole: zipf(source.whole, 0.8) };
    };
    this.tables = {
      old: { male: build('old', 'male'), female: build('old', 'female') },
      middle: { male: build('middle', 'male'), female: build('middle', 'female') },
      young: { male: build('young', 'male'), female: build('young', 'female') },
    };
  }

  surname(): string {
    return this.surnames.pick(this.rng);
  }

  given(birthYear: number, sex: Sex): string {
    const generation: Generation = birthYear < 1966 ? 'old' : birthYear < 1992 ? 'middle' : 'young';
    const t = this.tables[generation][sex];
    const r = this.rng.float();
    // A popular whole name, a one-character name, or two characters.
    if (r < 0.08) return t.whole.pick(this.rng);
    const single = generation === 'middle' ? 0.2 : 0.06;
    if (r < 0.08 + single) return t.chars.pick(this.rng);
    let a = t.chars.pick(this.rng);
    let b = t.chars.pick(this.rng);
    // A sprinkling of characters from a neighbouring generation widens the pool.
    if (this.rng.chance(0.25)) b = this.tables[generation === 'old' ? 'middle' : 'young'][sex].chars.pick(this.rng);
    if (a === b && this.rng.chance(0.8)) a = this.tables.middle[sex].chars.pick(this.rng);
    return a + b;
  }

  full(birthYear: number, sex: Sex): string {
    return this.surname() + this.given(birthYear, sex);
  }

  foreign(): string {
    return this.rng.pick(FOREIGN_NAMES);
  }
}

/** 9 subdistricts (街道) of the demo district, each with its community health centre and communities (社区). */
export const SUBDISTRICTS: readonly { zh: string; en: string; communities: string[] }[] = [
  { zh: '东湖', en: 'Donghu', communities: ['莲花', '桂花', '荷塘', '湖畔', '春晖', '映月'] },
  { zh: '南苑', en: 'Nanyuan', communities: ['南星', '枫林', '紫荆', '梧桐', '青柳'] },
  { zh: '西溪', en: 'Xixi', communities: ['芦苇', '溪畔', '湿地', '竹林', '河渚'] },
  { zh: '北山', en: 'Beishan', communities: ['松岭', '栖霞', '葛岭', '宝石', '龙井'] },
  { zh: '翠柳', en: 'Cuiliu', communities: ['翠苑', '柳浪', '锦园', '蓝天', '碧水'] },
  { zh: '文华', en: 'Wenhua', communities: ['学院', '书香', '文新', '求是', '明德'] },
  { zh: '锦绣', en: 'Jinxiu', communities: ['锦华', '绣园', '丹桂', '金色', '阳光'] },
  { zh: '长乐', en: 'Changle', communities: ['长青', '乐园', '康宁', '福苑', '安居'] },
  { zh: '和平', en: 'Heping', communities: ['和睦', '平安', '和美', '新村', '幸福'] },
];

/** Community names in pinyin, for the English names of stations. */
// prettier-ignore
export const COMMUNITY_EN: Readonly<Record<string, string>> = {
  莲花: 'Lianhua', 桂花: 'Guihua', 荷塘: 'Hetang', 湖畔: 'Hupan', 春晖: 'Chunhui', 映月: 'Yingyue',
  南星: 'Nanxing', 枫林: 'Fenglin', 紫荆: 'Zijing', 梧桐: 'Wutong', 青柳: 'Qingliu',
  芦苇: 'Luwei', 溪畔: 'Xipan', 湿地: 'Shidi', 竹林: 'Zhulin', 河渚: 'Hezhu',
  松岭: 'Songling', 栖霞: 'Qixia', 葛岭: 'Geling', 宝石: 'Baoshi', 龙井: 'Longjing',
  翠苑: 'Cuiyuan', 柳浪: 'Liulang', 锦园: 'Jinyuan', 蓝天: 'Lantian', 碧水: 'Bishui',
  学院: 'Xueyuan', 书香: 'Shuxiang', 文新: 'Wenxin', 求是: 'Qiushi', 明德: 'Mingde',
  锦华: 'Jinhua', 绣园: 'Xiuyuan', 丹桂: 'Dangui', 金色: 'Jinse', 阳光: 'Yangguang',
  长青: 'Changqing', 乐园: 'Leyuan', 康宁: 'Kangning', 福苑: 'Fuyuan', 安居: 'Anju',
  和睦: 'Hemu', 平安: "Ping'an", 和美: 'Hemei', 新村: 'Xincun', 幸福: 'Xingfu',
};
