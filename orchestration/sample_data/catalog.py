# ruff: noqa: RUF001
"""Static reference data for the sample generator: branches, names, product lines, comments."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BranchTemplate:
    code: str
    name: str
    region: str
    province: str
    org_type: str
    timezone: str
    opens_at: str
    closes_at: str
    open_weekdays: str
    night_crew: bool


# The DST branch (an overseas representative office) is always the last one generated.
CHINA_BRANCHES: tuple[BranchTemplate, ...] = (
    BranchTemplate(
        "EC01",
        "上海浦东服务中心",
        "华东",
        "上海",
        "dealer",
        "Asia/Shanghai",
        "08:00",
        "18:00",
        "1234567",
        True,
    ),
    BranchTemplate(
        "NC01",
        "北京亦庄代表处",
        "华北",
        "北京",
        "representative_office",
        "Asia/Shanghai",
        "08:30",
        "17:30",
        "123456",
        False,
    ),
    BranchTemplate(
        "CS01",
        "武汉经开服务站",
        "中南",
        "湖北",
        "dealer",
        "Asia/Shanghai",
        "08:00",
        "18:00",
        "1234567",
        True,
    ),
    BranchTemplate(
        "SW01",
        "成都高新服务站",
        "西南",
        "四川",
        "supplier",
        "Asia/Shanghai",
        "08:30",
        "18:00",
        "123456",
        False,
    ),
    BranchTemplate(
        "NE01",
        "沈阳铁西服务站",
        "东北",
        "辽宁",
        "dealer",
        "Asia/Shanghai",
        "08:00",
        "17:00",
        "123456",
        False,
    ),
    BranchTemplate(
        "NW01",
        "西安高新服务站",
        "西北",
        "陕西",
        "dealer",
        "Asia/Shanghai",
        "08:30",
        "17:30",
        "123456",
        False,
    ),
    BranchTemplate(
        "EC02",
        "杭州滨江服务站",
        "华东",
        "浙江",
        "supplier",
        "Asia/Shanghai",
        "08:00",
        "18:00",
        "123456",
        False,
    ),
    BranchTemplate(
        "CS02",
        "广州番禺服务站",
        "中南",
        "广东",
        "dealer",
        "Asia/Shanghai",
        "08:00",
        "18:30",
        "1234567",
        True,
    ),
)

DST_BRANCH = BranchTemplate(
    "EU01",
    "柏林代表处",
    "海外",
    "Berlin",
    "representative_office",
    "Europe/Berlin",
    "07:30",
    "17:00",
    "12345",
    True,
)

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
)
GIVEN_CHARS = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志文斌宇浩然子轩梓涵一诺欣怡"
)
GERMAN_FIRST = ("Lukas", "Anna", "Jonas", "Lena", "Felix", "Marie", "Paul", "Laura", "Tim", "Julia")
GERMAN_LAST = ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker")

PRODUCT_LINES = ("轿车 Sedan", "SUV", "轻型商用车 LCV", "电动车 EV", "工程机械 Machinery")

PART_PREFIX = {"A": "PA", "B": "PB", "C": "PC"}

COMMENTS = (
    "服务很好，师傅很专业",
    "等待时间有点长，希望改进",
    '师傅说"问题已经解决了"，但还是有异响',
    "交车时讲解很清楚，谢谢！",
    "价格偏高，配件要等三天",
    "第一次保养，整体满意",
    "前台态度好，\n但是维修进度没有及时通知",
    "客户表示：“下次还来”",
    "电话里说的和实际收费不一致, 已投诉",
    "没有问题",
    "建议增加周末营业时间，方便上班族",
    'Customer said "all good", no issues',
)
