/** Big screen messages. */
import { careKpiEn, careKpiZh } from '@shared/careKpis';
import { jobsKpiEn, jobsKpiZh } from '@shared/jobsKpis';
export const zh = {
  ...jobsKpiZh,
  ...careKpiZh,
  screen: {
    short: '数据大屏',
    title: '{place}成效清单',
    titleOf: '{place}“{campaign}”成效清单',
    subtitle: '问题清单 → 成效清单',
    solved: '已解决问题',
    wan: '万元',
    rates: '"三率"考评',
    received: '受理',
    resolved: '已解决',
    inProgress: '办理中',
    trend: '月度趋势',
    map: '问题分布',
    ranking: '单位按期办结率排名',
    feed: '实时动态',
    updated: '更新于 {time}',
    login: '请登录后查看大屏',
    username: '账号',
    password: '密码',
    signIn: '登录',
  },
};

export const en: typeof zh = {
  ...jobsKpiEn,
  ...careKpiEn,
  screen: {
    short: 'Big screen',
    title: '{place}: results list',
    titleOf: '{place}: {campaign} — results list',
    subtitle: 'Problem list → Results list',
    solved: 'Problems solved',
    wan: '10k yuan',
    rates: 'The three rates',
    received: 'Received',
    resolved: 'Resolved',
    inProgress: 'In progress',
    trend: 'Monthly trend',
    map: 'Problems on the map',
    ranking: 'Units by on-time rate',
    feed: 'Live feed',
    updated: 'Updated {time}',
    login: 'Sign in to view the screen',
    username: 'User name',
    password: 'Password',
    signIn: 'Sign in',
  },
};
