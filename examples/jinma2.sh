#!/usr/bin/env bash
# 金马二社区 (seeds/000): 11 grids, 23 buildings, and ten weeks of the walking log,
# typed as a grid worker would type them. `on TIME CMD...` pins the clock for one
# command, the way GRIDLOG_NOW does, so the demo replays the same days every time.
set -euo pipefail
on() { GRIDLOG_NOW="$1" "${@:2}" >/dev/null; }
# `new TIME ARGS...` adds an entry and prints the id that done/show/--case take.
new() {
  GRIDLOG_NOW="$1" gridlog add "${@:2}" --json |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])'
}

gridlog grid add 红一网格 --alias 红一 --worker 孟宇 --households 236 --population 602 \
  --building 冶金一号楼 --building 聚丙烯二号楼
gridlog grid add 红二网格 --alias 红二 --worker 魏淑娟 --households 248 --population 640 \
  --building 1号楼 --building 2号楼
gridlog grid add 红三网格 --alias 红三 --worker 韩继兰 --households 221 --population 575 \
  --building 3号楼 --building 4号楼 --building 5号楼
gridlog grid add 红四网格 --alias 红四 --worker 马辉 --households 210 --population 533 \
  --building 9号楼 --building 小白楼
gridlog grid add 红五网格 --alias 红五 --worker 卢琳 --households 230 --population 590 \
  --building 6号楼 --building 7号楼
gridlog grid add 红六网格 --alias 红六 --worker 张俊惠 --households 244 --population 611 \
  --building 8号楼 --building 16号楼
gridlog grid add 红七网格 --alias 红七 --worker 王丽 --households 205 --population 498 \
  --building 10号楼 --building 11号楼
gridlog grid add 红八网格 --alias 红八 --worker 李娜 --households 219 --population 547 \
  --building 12号楼 --building 13号楼
gridlog grid add 红九网格 --alias 红九 --worker 赵敏 --households 227 --population 566 \
  --building 14号楼 --building 15号楼
gridlog grid add 红十网格 --alias 红十 --worker 刘芳 --households 233 --population 581 \
  --building 17号楼 --building 18号楼 --building 19号楼
gridlog grid add 红十一网格 --alias 红十一 --worker 陈静 --households 240 --population 604 \
  --building 20号楼 --building 21号楼

gridlog config --worker 马辉 --grid 红四网格 --community 金马二社区 >/dev/null

# January: the first pages of the 2019 log
on 2019-01-02T17:00 gridlog add "早8点到岗，整理退役军人资料" --kind 其他 --category 民政 --at 08:00
on 2019-01-02T17:05 gridlog add "行走南院查看地锁情况，听取群众意见" --kind 巡查 --category 城管 --at 10:00
on 2019-01-02T17:10 gridlog add "下午到办事处开安全生产会" --kind 会议 --category 安全生产 --at 14:30
lamp=$(new 2019-01-03T08:30 "居民反映路灯不亮，需要协调物业解决" --place 7号楼 \
  --category 物业维修 --follow-up 后天)
on 2019-01-03T15:00 gridlog add "摸底调查辖区适龄儿童入托问题" --kind 巡查 --grid 红二 --category 其他
on 2019-01-04T09:00 gridlog add "王女士补交党费120元" --kind 窗口 --category 党建 --resident 王女士 --register
on 2019-01-04T19:00 gridlog add "社区开展新春联谊会" --kind 其他 --category 社区活动
on 2019-01-05T10:00 gridlog done "$lamp" --note "物业更换灯泡，路灯已亮"

# The roof of 9号楼: 18 households must sign before the maintenance fund can be used
roof=$(new 2019-01-07T10:00 "9号楼楼顶漏水，涉及18户，动用维修基金需全体住户签字" \
  --place 9号楼 --category 物业维修 --follow-up 下周一)
for day in 01-14 01-21 01-28 02-11 02-18 02-25 03-01 03-04 03-07 03-11; do
  on "2019-${day}T10:30" gridlog add "上门做住户工作，讲解维修基金使用" --case "$roof"
done

# February and March
eye=$(new 2019-02-20T09:20 "独居老人臧树花右眼白内障，想做免费手术" --place 6号楼2单元101 \
  --resident 臧树花 --register --category 卫健 --tag 独居 --tag 高龄 --follow-up 3月14日)
flood=$(new 2019-03-11T07:40 "社区楼北侧发现大面积跑水，联系辖区单位解决" --place 12号楼 \
  --kind 巡查 --category 物业维修 --follow-up 明天)
on 2019-03-12T11:00 gridlog done "$flood" --note "辖区单位关闭阀门并维修管道"
on 2019-03-13T07:10 gridlog add "早7点到岗，检查卫生情况，协调物业公司加大保洁力度" --kind 巡查 \
  --category 环境卫生 --grid 红五
on 2019-03-13T16:00 gridlog add "20号楼前违规摆摊设点，劝离" --place 20号楼 --kind 巡查 \
  --category 城管 --follow-up 3月20日

# 14 March, the day the reporters came (seeds/000)
waste=$(new 2019-03-14T08:12 "9号楼前小白楼装修工从二楼往下扔建筑垃圾，吴大妈拍照反映" \
  --place 9号楼 --resident 吴大妈 --register --category 城管 --at 08:10 --follow-up 今天)
on 2019-03-14T08:30 gridlog done "$waste" --at 08:27 --note "马书记到场制止，物业跟进，施工方承诺文明施工"
on 2019-03-14T09:15 gridlog add "郭宝贵家遇到经济纠纷，对方失联，想走法律途径" --place 9号楼4单元 \
  --resident 郭宝贵 --register --category 矛盾纠纷 --follow-up 3天后
on 2019-03-14T10:20 gridlog add "找到可免费做白内障手术的医院，告知臧树花阿姨" --case "$eye"
on 2019-03-14T10:50 gridlog add "第12次上门，只剩一户还没同意，住户答应考虑" --case "$roof"
on 2019-03-14T11:00 gridlog add "舞蹈队牛新娟希望协调活动室时间" --kind 窗口 --grid 红二 \
  --resident 牛新娟 --register --category 社区活动 --follow-up 下周一
on 2019-03-14T11:10 gridlog add "居民咨询高龄补贴，还差一岁" --kind 窗口 --grid 红二 --category 民政 \
  --remind 2020年 --remind-text "2020年，老人将享受高龄补贴，记得电话通知"
on 2019-03-14T14:00 gridlog add "调解7号楼3单元邻里纠纷" --place 7号楼3单元 --category 矛盾纠纷
on 2019-03-14T15:00 gridlog add "居民独生子女费事宜已解决" --grid 红八 --category 计生
on 2019-03-14T16:00 gridlog add "16号楼1单元住户水管漏水，已协调处理好" --place 16号楼1单元 \
  --category 物业维修
