# 圆的面积。
import math

radius = 2.0
area = math.pi * radius ** 2
print(f"area = {area:.2f}")


# 一个函数，以及对它的调用。
def double(x):
    return 2 * x


print(double(21))
